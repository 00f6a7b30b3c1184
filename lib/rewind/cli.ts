/** `npm run rewind` command line (pure). */
import { checkStackAndConfirm, scanFlags } from "../opsCli";
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

const GRAMMAR = {
  valued: ["--stack", "--to", "--confirm", "--outputs", "--dsn", "--psql", "--yb-admin"],
  booleans: ["--execute", "--direct"],
  usage: REWIND_USAGE,
  error: (m: string) => new RewindUsageError(m),
} as const;

export function parseRewindArgs(argv: readonly string[]): RewindArgs {
  const f = scanFlags(argv, GRAMMAR);
  const stack = checkStackAndConfirm(f, GRAMMAR, "rewound");
  const v = f.values;
  const direct = f.set.has("--direct");
  if (!v["--to"]) throw new RewindUsageError(`--to is required\n${REWIND_USAGE}`);
  if (v["--yb-admin"] && !direct) throw new RewindUsageError("--yb-admin only applies with --direct");
  return { stack, to: v["--to"], execute: f.set.has("--execute"), confirm: v["--confirm"], outputs: v["--outputs"], dsn: v["--dsn"], psql: v["--psql"], direct, ybAdmin: v["--yb-admin"] };
}
