import { parseYugabytedFlags, REQUIRED_TSERVER_FLAGS } from "../../planner/flags";
import { flagValues, workloadOf, type Process } from "../extract";
import type { ResourceRule } from "../types";

/** The tserver flags a `yugabyted start` carries, all `--tserver_flags` occurrences merged (last wins). */
export function tserverFlagsOf(p: Process): Record<string, string> | undefined {
  const values = flagValues(p.args, "--tserver_flags");
  if (!values.length) return undefined;
  return Object.assign({}, ...values.map((v) => parseYugabytedFlags(v.trim().replace(/^["']|["']$/g, ""))));
}

const where = (source: string, idx: number, count: number) =>
  count > 1 ? `${source} (yugabyted start #${idx + 1})` : source;

/**
 * Every YugabyteDB launch runs with the flags Kine cannot work without (ysql_sequence_cache_minval=1): Kine uses the
 * auto-increment id as its MVCC revision and assumes strictly sequential ids.
 */
export const sequenceCacheRule: ResourceRule = {
  kind: "resource",
  name: "yb-sequence-cache-minval",
  description:
    "Every yugabyted start carries --tserver_flags with ysql_sequence_cache_minval=1 (Kine needs strictly sequential revisions).",
  check(r) {
    const w = workloadOf(r);
    if (!w) return [];
    const launches = w.processes.filter((p) => p.kind === "yb-start");
    const source = w.source === "ec2" ? "user data" : w.source === "script" ? "script" : "command";
    const out: string[] = [];
    launches.forEach((p, idx) => {
      const flags = tserverFlagsOf(p);
      for (const [flag, required] of Object.entries(REQUIRED_TSERVER_FLAGS)) {
        const actual = flags?.[flag];
        if (actual === required) continue;
        out.push(
          actual === undefined
            ? `${where(source, idx, launches.length)}: yugabyted start runs without ${flag}=${required}; add it to the tserver flags ` +
                `(--tserver_flags=${flag}=${required},...). Kine uses the auto-increment id as its revision and k3s fails with ` +
                `revision mismatches when ids are cached per connection.`
            : `${where(source, idx, launches.length)}: yugabyted start sets ${flag}=${actual}; it must be ${required} ` +
                `(--tserver_flags=...,${flag}=${required}). Kine needs strictly sequential ids.`,
        );
      }
    });
    return out;
  },
};
