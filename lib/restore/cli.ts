/** `npm run restore` command line (pure). */
import { checkStackAndConfirm, scanFlags } from "../opsCli";
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

const GRAMMAR = {
  valued: ["--stack", "--from", "--confirm", "--outputs", "--dsn", "--psql"],
  booleans: ["--execute"],
  usage: RESTORE_USAGE,
  error: (m: string) => new RestoreUsageError(m),
} as const;

export function parseRestoreArgs(argv: readonly string[]): RestoreArgs {
  const f = scanFlags(argv, GRAMMAR);
  const stack = checkStackAndConfirm(f, GRAMMAR, "restored");
  const v = f.values;
  if (!v["--from"]) throw new RestoreUsageError(`--from is required\n${RESTORE_USAGE}`);
  return { stack, from: v["--from"], execute: f.set.has("--execute"), confirm: v["--confirm"], outputs: v["--outputs"], dsn: v["--dsn"], psql: v["--psql"] };
}
