/**
 * YugabyteDB gflags, rendered from one map (as yugabyte/charts does), never spliced into strings elsewhere.
 */
export type FlagValue = string | number | boolean;
export type FlagMap = Readonly<Record<string, string>>;

/**
 * Flags the control plane cannot work without. Kine uses the auto-increment id as the MVCC revision and assumes ids
 * are handed out strictly in order; YugabyteDB's default sequence cache (100 ids per connection) lets two Kine
 * connections allocate 1..100 and 101..200 concurrently and k3s then fails with revision mismatches.
 * These win over anything a stack sets; the config validator rejects attempts to change them.
 */
export const REQUIRED_TSERVER_FLAGS: FlagMap = Object.freeze({
  ysql_sequence_cache_minval: "1",
});

/** Defaults a stack may override. */
export const DEFAULT_TSERVER_FLAGS: FlagMap = Object.freeze({
  // Password authentication for YSQL: Kine connects as its own role with a generated password.
  ysql_enable_auth: "true",
});

export const FLAG_NAME = /^[a-z][a-z0-9_]*$/;

export const stringifyFlag = (value: FlagValue): string => (typeof value === "boolean" ? String(value) : String(value));

/**
 * Merge defaults, user flags and extra planner flags; required flags always win.
 * Order of keys is stable (sorted) so renders are deterministic and diffs in `pulumi preview` stay quiet.
 */
export function mergeTserverFlags(user: Readonly<Record<string, FlagValue>> = {}, extra: FlagMap = {}): FlagMap {
  const merged: Record<string, string> = { ...DEFAULT_TSERVER_FLAGS, ...extra };
  for (const [k, v] of Object.entries(user)) merged[k] = stringifyFlag(v);
  Object.assign(merged, REQUIRED_TSERVER_FLAGS);
  return Object.freeze(Object.fromEntries(Object.entries(merged).sort(([a], [b]) => a.localeCompare(b))));
}

/**
 * Render a flag map the way `yugabyted --tserver_flags=` expects it: `k=v,k=v`; a value that contains a comma is
 * wrapped in braces (yugabyted's syntax for CSV-valued flags such as ysql_pg_conf_csv).
 */
export function renderYugabytedFlags(flags: FlagMap): string {
  return Object.entries(flags)
    .map(([k, v]) => (v.includes(",") ? `${k}={${v}}` : `${k}=${v}`))
    .join(",");
}

/** Parse the rendered form back (used by tests and by the policy pack to read what a launch really carries). */
export function parseYugabytedFlags(rendered: string): Record<string, string> {
  const out: Record<string, string> = {};
  let i = 0;
  while (i < rendered.length) {
    const eq = rendered.indexOf("=", i);
    if (eq < 0) break;
    const key = rendered.slice(i, eq);
    let value: string;
    if (rendered[eq + 1] === "{") {
      const close = rendered.indexOf("}", eq + 2);
      value = rendered.slice(eq + 2, close < 0 ? rendered.length : close);
      i = close < 0 ? rendered.length : close + 2;
    } else {
      const comma = rendered.indexOf(",", eq + 1);
      value = rendered.slice(eq + 1, comma < 0 ? rendered.length : comma);
      i = comma < 0 ? rendered.length : comma + 1;
    }
    out[key] = value;
  }
  return out;
}
