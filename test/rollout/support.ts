/**
 * Dependency-graph helpers for the rollout tests (issue 15), over what the strict mock engine recorded. Only imports
 * what the recorder provides, so these tests can be pointed at older component code (see docs/upgrades.md).
 */
import type { RecordedResource } from "../../lib/planRunner";

export type Res = RecordedResource;
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- test code reads provider inputs structurally
export type Obj = Record<string, any>;

/** For every resource, every resource it transitively waits for (`dependsOn`, explicit and implicit). */
export function waitsFor(recorded: readonly Res[]): Map<string, Set<string>> {
  const direct = new Map(recorded.map((r) => [r.urn, r.dependsOn]));
  const memo = new Map<string, Set<string>>();
  const visit = (urn: string): Set<string> => {
    const known = memo.get(urn);
    if (known) return known;
    const out = new Set<string>();
    memo.set(urn, out);
    for (const d of direct.get(urn) ?? []) {
      out.add(d);
      for (const x of visit(d)) out.add(x);
    }
    return out;
  };
  for (const r of recorded) visit(r.urn);
  return memo;
}

/**
 * Pairs of `members` that no dependency path orders: the engine may change both in the same step. Empty when the
 * members form a total order (one after another, whatever changes).
 */
export function unorderedPairs(recorded: readonly Res[], members: readonly Res[]): string[] {
  const g = waitsFor(recorded);
  const out: string[] = [];
  for (let i = 0; i < members.length; i++)
    for (let j = i + 1; j < members.length; j++) {
      const [a, b] = [members[i], members[j]];
      if (!g.get(a.urn)?.has(b.urn) && !g.get(b.urn)?.has(a.urn)) out.push(`${a.name} / ${b.name}`);
    }
  return out;
}

/** `later` waits (transitively) for `earlier`. */
export const waitsOn = (recorded: readonly Res[], later: Res, earlier: Res): boolean => waitsFor(recorded).get(later.urn)?.has(earlier.urn) ?? false;

/**
 * Every resource some input of `r` derives from, transitively through inputs only. The engine replaces a dependent of a
 * delete-before-replace resource (deleting it first) only along these edges; explicit `dependsOn` never does that.
 */
export function inputAncestors(recorded: readonly Res[], r: Res): Set<string> {
  const byUrn = new Map(recorded.map((x) => [x.urn, x]));
  const out = new Set<string>();
  const stack = [r];
  while (stack.length) {
    const x = stack.pop() as Res;
    for (const deps of Object.values(x.propertyDependencies ?? {}))
      for (const d of deps) {
        if (out.has(d)) continue;
        out.add(d);
        const next = byUrn.get(d);
        if (next) stack.push(next);
      }
  }
  return out;
}

export const labelOf = (r: Res, label: string): string | undefined =>
  ((r.inputs as Obj).labels as { label: string; value: string }[] | undefined)?.find((l) => l.label === label)?.value;
