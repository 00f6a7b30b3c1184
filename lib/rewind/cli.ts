/** `npm run rewind` command line (pure). */
export class RewindUsageError extends Error {}

export interface RewindArgs {
  readonly stack: string;
  readonly to: string;
  readonly execute: boolean;
  readonly confirm?: string;
  readonly outputs?: string;
  readonly dsn?: string;
  readonly psql?: string;
  readonly direct: boolean;
  readonly ybAdmin?: string;
}

export const REWIND_USAGE = `usage: npm run rewind -- --stack NAME --to <"N minutes ago" | 2026-12-01T10:15:00Z | "2026-12-01 10:15:00" (UTC)>
       [--execute [--confirm NAME]] [--outputs FILE] [--dsn URL] [--psql PATH] [--direct --yb-admin PATH]
Without --execute it only prints the steps.`;

export function parseRewindArgs(argv: readonly string[]): RewindArgs {
  const v: Record<string, string> = {};
  let execute = false;
  let direct = false;
  const valued = ["--stack", "--to", "--confirm", "--outputs", "--dsn", "--psql", "--yb-admin"];
  for (let i = 0; i < argv.length; i++) {
    const raw = argv[i];
    const eq = raw.startsWith("--") ? raw.indexOf("=") : -1;
    const flag = eq > 0 ? raw.slice(0, eq) : raw === "-s" ? "--stack" : raw;
    if (valued.includes(flag)) {
      const x = eq > 0 ? raw.slice(eq + 1) : argv[++i];
      if (x === undefined || x === "") throw new RewindUsageError(`${flag} needs a value`);
      if (v[flag] !== undefined) throw new RewindUsageError(`${flag} given twice`);
      v[flag] = x;
    } else if (flag === "--execute") execute = true;
    else if (flag === "--direct") direct = true;
    else if (flag === "--help" || flag === "-h") throw new RewindUsageError(REWIND_USAGE);
    else throw new RewindUsageError(`unknown argument ${raw}\n${REWIND_USAGE}`);
  }
  if (!v["--stack"]) throw new RewindUsageError(`--stack is required\n${REWIND_USAGE}`);
  if (!/^[A-Za-z0-9_.-]+$/.test(v["--stack"])) throw new RewindUsageError(`invalid stack name '${v["--stack"]}'`);
  if (!v["--to"]) throw new RewindUsageError(`--to is required\n${REWIND_USAGE}`);
  if (v["--confirm"] !== undefined && !execute) throw new RewindUsageError("--confirm only applies with --execute");
  if (v["--confirm"] !== undefined && v["--confirm"] !== v["--stack"]) throw new RewindUsageError(`--confirm ${v["--confirm"]} does not name the stack being rewound ('${v["--stack"]}')`);
  if (v["--yb-admin"] && !direct) throw new RewindUsageError("--yb-admin only applies with --direct");
  return { stack: v["--stack"], to: v["--to"], execute, confirm: v["--confirm"], outputs: v["--outputs"], dsn: v["--dsn"], psql: v["--psql"], direct, ybAdmin: v["--yb-admin"] };
}
