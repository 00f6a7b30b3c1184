/** `npm run restore` command line (pure). */
export class RestoreUsageError extends Error {}

export interface RestoreArgs {
  readonly stack: string;
  readonly from: string;
  readonly execute: boolean;
  readonly confirm?: string;
  readonly outputs?: string;
  readonly dsn?: string;
  readonly psql?: string;
}

export const RESTORE_USAGE = `usage: npm run restore -- --stack NAME --from <latest | kine-<yyyymmddThhmmssZ>.sql.gz | ./local/file.sql.gz>
       [--execute [--confirm NAME]] [--outputs FILE] [--dsn URL] [--psql PATH]
Without --execute it only prints the steps.`;

export function parseRestoreArgs(argv: readonly string[]): RestoreArgs {
  const v: Record<string, string> = {};
  let execute = false;
  const valued = ["--stack", "--from", "--confirm", "--outputs", "--dsn", "--psql"];
  for (let i = 0; i < argv.length; i++) {
    const raw = argv[i];
    const eq = raw.startsWith("--") ? raw.indexOf("=") : -1;
    const flag = eq > 0 ? raw.slice(0, eq) : raw === "-s" ? "--stack" : raw;
    if (valued.includes(flag)) {
      const x = eq > 0 ? raw.slice(eq + 1) : argv[++i];
      if (x === undefined || x === "") throw new RestoreUsageError(`${flag} needs a value`);
      if (v[flag] !== undefined) throw new RestoreUsageError(`${flag} given twice`);
      v[flag] = x;
    } else if (flag === "--execute") execute = true;
    else if (flag === "--help" || flag === "-h") throw new RestoreUsageError(RESTORE_USAGE);
    else throw new RestoreUsageError(`unknown argument ${raw}\n${RESTORE_USAGE}`);
  }
  if (!v["--stack"]) throw new RestoreUsageError(`--stack is required\n${RESTORE_USAGE}`);
  if (!/^[A-Za-z0-9_.-]+$/.test(v["--stack"])) throw new RestoreUsageError(`invalid stack name '${v["--stack"]}'`);
  if (!v["--from"]) throw new RestoreUsageError(`--from is required\n${RESTORE_USAGE}`);
  if (v["--confirm"] !== undefined && !execute) throw new RestoreUsageError("--confirm only applies with --execute");
  if (v["--confirm"] !== undefined && v["--confirm"] !== v["--stack"]) throw new RestoreUsageError(`--confirm ${v["--confirm"]} does not name the stack being restored ('${v["--stack"]}')`);
  return { stack: v["--stack"], from: v["--from"], execute, confirm: v["--confirm"], outputs: v["--outputs"], dsn: v["--dsn"], psql: v["--psql"] };
}
