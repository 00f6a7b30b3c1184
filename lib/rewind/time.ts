/** `--to` for `npm run rewind`: an absolute time or "N minutes ago", resolved once, on this machine (pure). */

const UNITS: Readonly<Record<string, number>> = { second: 1_000, minute: 60_000, hour: 3_600_000, day: 86_400_000 };

/**
 * Accepted: `N second(s)|minute(s)|hour(s)|day(s) ago` (also `s`, `min`, `h`, `d`); ISO 8601 with `Z` or an offset
 * (`2026-12-01T10:15:00Z`, `2026-12-01T11:15:00+01:00`); `YYYY-MM-DD HH:MM[:SS[.ffffff]]`, read as UTC (said so in
 * the plan it prints). Throws with a one-line message otherwise.
 */
export function parseRewindTarget(input: string, now: Date): Date {
  const s = input.trim();
  const rel = /^(\d+(?:\.\d+)?)\s*(seconds?|s|minutes?|mins?|m|hours?|h|days?|d)\s+ago$/i.exec(s);
  if (rel) {
    const u = rel[2].toLowerCase();
    const unit = u.startsWith("s") ? "second" : u.startsWith("mi") || u === "m" ? "minute" : u.startsWith("h") ? "hour" : "day";
    return new Date(now.getTime() - Number(rel[1]) * UNITS[unit]);
  }
  const naive = /^(\d{4}-\d{2}-\d{2})[ T](\d{2}:\d{2})(:\d{2}(\.\d{1,6})?)?$/.exec(s);
  if (naive) return new Date(`${naive[1]}T${naive[2]}${naive[3] ? naive[3].slice(0, 7) : ":00"}Z`);
  if (/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/.test(s)) {
    const d = new Date(s);
    if (!Number.isNaN(d.getTime())) return d;
  }
  throw new Error(`--to ${JSON.stringify(input)}: give a time such as "15 minutes ago", 2026-12-01T10:15:00Z or "2026-12-01 10:15:00" (UTC)`);
}

/**
 * yb-admin's restore time: microseconds since the epoch, exactly 16 digits — the form HybridTime::ParseHybridTime
 * takes as is (yugabyte/yugabyte-db src/yb/common/hybrid_time.cc), with no time zone to get wrong.
 */
export function ybAdminMicros(d: Date): string {
  const us = String(BigInt(d.getTime()) * 1000n);
  if (us.length !== 16) throw new Error(`${d.toISOString()} is outside the range yb-admin takes as microseconds`);
  return us;
}
