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

/** A `ysql_hba_conf_csv` entry that lets clients in without a password (`trust`). */
const trustsClients = (hba: string | undefined): boolean => !!hba && hba.split(",").some((e) => /^\s*(host\S*|local)\s.*\strust\s*$/.test(e));

/**
 * Where the stack holds real data, YSQL asks for passwords: `ysql_enable_auth` stays true and no `trust` entry lets a
 * client in without one. Other stacks (a local quick start) may switch authentication off.
 */
export const ysqlAuthRule: ResourceRule = {
  kind: "resource",
  name: "yb-ysql-auth",
  description:
    "When holdsRealData: every yugabyted start keeps YSQL password authentication (ysql_enable_auth not false, no trust entry in ysql_hba_conf_csv).",
  configSchema: {
    holdsRealData: { type: "boolean", default: false, description: "The stack stores data that must survive destroy/replace." },
  },
  check(r, ctx) {
    if (!ctx.holdsRealData) return [];
    const w = workloadOf(r);
    if (!w) return [];
    const source = w.source === "ec2" ? "user data" : w.source === "script" ? "script" : "command";
    const launches = w.processes.filter((p) => p.kind === "yb-start");
    const out: string[] = [];
    launches.forEach((p, idx) => {
      const flags = tserverFlagsOf(p);
      if (flags?.ysql_enable_auth === "false")
        out.push(
          `${where(source, idx, launches.length)}: yugabyted start sets ysql_enable_auth=false, so anyone who reaches YSQL gets in without a ` +
            `password; this stack holds real data: remove the flag (yb-k3s:yugabyte.tserverFlags.ysql_enable_auth).`,
        );
      if (trustsClients(flags?.ysql_hba_conf_csv))
        out.push(`${where(source, idx, launches.length)}: ysql_hba_conf_csv has a trust entry, so clients get in without a password; this stack holds real data: use md5 or scram-sha-256.`);
    });
    return out;
  },
};
