/**
 * What `npm run verify` reports: one line per check, `ok|FAIL|skip <check>: <detail>`. A check is skipped only when
 * verify cannot reach what it would look at (the line says why and how to reach it); `--strict` counts skips as
 * failures. Pure.
 */
export type CheckStatus = "ok" | "fail" | "skip";

export interface CheckResult {
  /** Stable name, e.g. `readyz`, `schema.index/kine_name_prev_revision_uindex`, `kine/http://10.0.0.5:2379`. */
  readonly check: string;
  readonly status: CheckStatus;
  /** One line: what was seen (ok), what is wrong (FAIL), or why it could not be looked at (skip). */
  readonly detail: string;
}

const oneLine = (s: string) => s.replace(/\s*\n\s*/g, " | ").trim();

export const ok = (check: string, detail: string): CheckResult => ({ check, status: "ok", detail: oneLine(detail) });
export const fail = (check: string, detail: string): CheckResult => ({ check, status: "fail", detail: oneLine(detail) });
export const skip = (check: string, detail: string): CheckResult => ({ check, status: "skip", detail: oneLine(detail) });

const LABEL: Record<CheckStatus, string> = { ok: "ok", fail: "FAIL", skip: "skip" };

export const formatResult = (r: CheckResult): string => `${LABEL[r.status]} ${r.check}: ${r.detail}`;

/** 0 when nothing failed (and, with `strict`, nothing was skipped); 1 otherwise. */
export function verifyExitCode(results: readonly CheckResult[], strict = false): number {
  return results.some((r) => r.status === "fail" || (strict && r.status === "skip")) ? 1 : 0;
}

/** `3 ok, 1 FAIL, 2 skip` */
export function summarize(results: readonly CheckResult[]): string {
  const n = (s: CheckStatus) => results.filter((r) => r.status === s).length;
  return `${n("ok")} ok, ${n("fail")} FAIL, ${n("skip")} skip`;
}

/** Run a check, turning an unexpected exception into a FAIL line (verify never dies with a stack trace). */
export async function guarded(check: string, run: () => Promise<CheckResult | readonly CheckResult[]>): Promise<CheckResult[]> {
  try {
    const r = await run();
    return Array.isArray(r) ? [...(r as readonly CheckResult[])] : [r as CheckResult];
  } catch (e) {
    return [fail(check, e instanceof Error ? e.message : String(e))];
  }
}
