/**
 * Run a rendered drill (docker and kubernetes; aws prints only):
 *   1. preflight: the universe is whole (every workload / container ready, every tablet server ALIVE where yb-admin
 *      reaches) and one probe passes — otherwise nothing is stopped;
 *   2. stop the domain, wait until it is down;
 *   3. hold: probe every interval;
 *   4. restore — always, in a finally: after a failure, an error and an abort (Ctrl-C) too; every restore command is
 *      tried even when one fails, and if any fails the commands to run by hand are returned;
 *   5. the universe is whole again (tablet servers polled for a while: they re-register after their restart).
 * Commands go through `run` (default: spawn, bounded), so the order is testable with stand-ins.
 */
import { YB_ADMIN } from "../../planner/ybAdmin";
import type { ClusterPlan } from "../../planner/plan";
import { runCommand, type ClusterAccess } from "../verify/access";
import type { KubeClient } from "../verify/kubeClient";
import { fail, ok, skip, type CheckResult } from "../verify/result";
import { abortableSleep, createDrillNamespace, deleteDrillNamespace, newDrillNamespaceName, probeLoop, probeOnce } from "./probe";
import {
  containerReady,
  evaluateAvailability,
  evaluateContainers,
  evaluateTabletServers,
  evaluateWorkloads,
  nodesInZones,
  parseDockerInspect,
  parseTabletServers,
  podsOnNodes,
  probeOk,
  summarizeProbes,
  type Availability,
  type Probe,
} from "./report";
import { manualRestore, type DrillAction, type DrillPlan, type DrillStep } from "./steps";

export class DrillAborted extends Error {}

export interface ProbeConnection {
  client(): Promise<KubeClient>;
  /** After a failed probe (reopens a port forward; a no-op for a direct client). */
  reset(): Promise<void>;
  close(): Promise<void>;
}

export interface DrillContext {
  readonly plan: ClusterPlan;
  readonly probes: ProbeConnection;
  readonly holdMs: number;
  readonly intervalMs: number;
  /** yb-admin for the tablet-server check; undefined with `skipTservers` saying why. */
  readonly access?: ClusterAccess;
  readonly skipTservers?: string;
  readonly log: (line: string) => void;
  readonly run?: (argv: readonly string[]) => Promise<string>;
  readonly signal?: AbortSignal;
  readonly now?: () => number;
  readonly pollMs?: number;
  /** How long the post-restore check waits for every tablet server to be ALIVE again. */
  readonly tserverWaitMs?: number;
  readonly namespace?: string;
}

export interface DrillOutcome {
  readonly results: readonly CheckResult[];
  readonly availability?: Availability;
  readonly probes: readonly Probe[];
  /** The domain was stopped (some of it at least). */
  readonly stopped: boolean;
  readonly restored: boolean;
  /** Set when restoring failed: the commands to run by hand. */
  readonly manual?: readonly string[];
  readonly aborted: boolean;
}

const describe = (e: unknown) => (e instanceof Error ? e.message : String(e));

export async function executeDrill(d: DrillPlan, ctx: DrillContext): Promise<DrillOutcome> {
  const run = ctx.run ?? ((argv) => runCommand(argv, 15 * 60_000));
  const now = ctx.now ?? Date.now;
  const pollMs = ctx.pollMs ?? 2_000;
  const aborted = () => ctx.signal?.aborted === true;
  const checkAbort = () => {
    if (aborted()) throw new DrillAborted("interrupted");
  };

  async function poll<T>(what: string, timeoutSeconds: number, read: () => Promise<T>, done: (t: T) => boolean, describeLeft: (t: T) => string): Promise<void> {
    const deadline = now() + timeoutSeconds * 1000;
    let last: T | undefined;
    let error = "";
    for (;;) {
      try {
        last = await read();
        error = "";
        if (done(last)) return;
      } catch (e) {
        error = describe(e);
      }
      if (now() >= deadline) throw new Error(`${what}: not done after ${timeoutSeconds} s (${error || (last !== undefined ? describeLeft(last) : "nothing read")})`);
      if (ctx.signal && aborted()) throw new DrillAborted(`interrupted while waiting: ${what}`);
      await abortableSleep(pollMs, ctx.signal);
    }
  }

  async function act(a: DrillAction): Promise<void> {
    switch (a.kind) {
      case "exec":
        try {
          await run(a.argv);
        } catch (e) {
          if (a.okIf?.test(describe(e))) return;
          throw e;
        }
        return;
      case "zone-nodes": {
        const list = JSON.parse(await run(a.argv)) as unknown;
        const missing = a.zones.filter((z) => nodesInZones(list, a.zoneLabel, [z]).length === 0);
        if (missing.length) throw new Error(`no node carries ${a.zoneLabel}=${missing.join(" or ")}: nothing to take down there (is zoneLabel right?)`);
        ctx.log(`     nodes: ${nodesInZones(list, a.zoneLabel, a.zones).join(", ")}`);
        return;
      }
      case "pods-gone": {
        const deleted = new Set<string>();
        await poll(
          "the domain's pods to go",
          a.timeoutSeconds,
          async () => {
            const nodes = nodesInZones(JSON.parse(await run(a.nodesArgv)), a.zoneLabel, a.zones);
            const left = podsOnNodes(JSON.parse(await run(a.podsArgv)), nodes, a.apps);
            // Each pod once (a deleted one stays listed while it terminates; a StatefulSet's replacement is Pending, on no node).
            for (const p of left.filter((x) => !deleted.has(`${x.name}@${x.node}`))) {
              await run([...a.deleteArgv, p.name]).catch((e: unknown) => {
                if (!/NotFound|not found/.test(describe(e))) throw e; // already gone: what we wanted
                return "";
              });
              deleted.add(`${p.name}@${p.node}`);
            }
            return left;
          },
          (left) => left.length === 0,
          (left) => `still there: ${left.map((p) => `${p.name} on ${p.node} (${p.phase})`).join(", ")}`,
        );
        return;
      }
      case "containers-healthy":
        await poll(
          "the containers to be running and healthy",
          a.timeoutSeconds,
          async () => parseDockerInspect(await run(a.argv)),
          (states) => a.names.every((n) => containerReady(states.get(n))),
          (states) => a.names.filter((n) => !containerReady(states.get(n))).map((n) => `${n} ${states.get(n)?.status ?? "missing"}/${states.get(n)?.health ?? "-"}`).join(", "),
        );
        return;
    }
  }

  const took = (since: number) => `${((now() - since) / 1000).toFixed(1)} s`;

  async function runStep(s: DrillStep, n: number, onExec?: () => void): Promise<void> {
    ctx.log(`${n}. ${s.title}`);
    const t = now();
    for (const a of s.actions) {
      checkAbort();
      if (a.kind === "exec") onExec?.();
      await act(a);
    }
    ctx.log(`     done in ${took(t)}`);
  }

  async function tservers(waitMs: number): Promise<CheckResult> {
    if (ctx.skipTservers) return skip("tservers", ctx.skipTservers);
    if (!ctx.access) return skip("tservers", "no access to yb-admin");
    if (ctx.access.ybAdminUnreachable) return skip("tservers", ctx.access.ybAdminUnreachable);
    const deadline = now() + waitMs;
    let r: CheckResult;
    for (;;) {
      try {
        r = evaluateTabletServers(ctx.plan, parseTabletServers(await ctx.access.ybAdmin([YB_ADMIN.listAllTabletServers])));
      } catch (e) {
        r = fail("tservers", describe(e));
      }
      if (r.status === "ok" || now() >= deadline || aborted()) return r;
      await abortableSleep(pollMs, ctx.signal);
    }
  }

  async function whole(tserverWaitMs: number): Promise<CheckResult[]> {
    const out: CheckResult[] = [];
    if (d.inspectArgv) {
      try {
        const text = await run(d.inspectArgv);
        out.push(...(d.target === "docker" ? evaluateContainers(d.containers, parseDockerInspect(text)) : evaluateWorkloads(d.workloads, JSON.parse(text))));
      } catch (e) {
        out.push(fail(d.target === "docker" ? "containers" : "workloads", describe(e)));
      }
    }
    out.push(await tservers(tserverWaitMs));
    return out;
  }

  const ns = ctx.namespace ?? newDrillNamespaceName();
  const results: CheckResult[] = [];
  const probeWith = async (seq: number): Promise<Probe> => {
    const start = now();
    let p: Probe;
    try {
      p = await probeOnce(await ctx.probes.client(), ns, seq, now);
    } catch (e) {
      p = { startMs: start, endMs: now(), readyz: false, write: false, message: `cannot reach the API: ${describe(e)}` };
    }
    if (!probeOk(p)) await ctx.probes.reset();
    return p;
  };

  // 1. preflight: nothing is stopped unless the universe is whole and the API answers.
  ctx.log("1. check the universe is whole and the API answers a read and a write");
  const before = await whole(0);
  for (const r of before) ctx.log(`     ${r.status === "ok" ? "ok" : r.status === "skip" ? "skip" : "FAIL"} ${r.check}: ${r.detail}`);
  let baseline: Probe | undefined;
  if (!before.some((r) => r.status === "fail")) {
    try {
      await createDrillNamespace(await ctx.probes.client(), ns);
      baseline = await probeWith(-1);
    } catch (e) {
      baseline = { startMs: now(), endMs: now(), readyz: false, write: false, message: describe(e) };
    }
  }
  const preflightProblems = [
    ...before.filter((r) => r.status === "fail").map((r) => `${r.check}: ${r.detail}`),
    ...(baseline && !probeOk(baseline) ? [`the API did not answer before the drill: ${baseline.message}`] : []),
  ];
  if (preflightProblems.length) {
    await ctx.probes.client().then((c) => deleteDrillNamespace(c, ns)).catch(() => undefined);
    await ctx.probes.close();
    return { results: [fail("preflight", `${preflightProblems.join("; ")}; nothing was stopped`)], probes: [], stopped: false, restored: true, aborted: aborted() };
  }
  ctx.log(`     ok api: /readyz and a write in namespace ${ns}`);

  // 2.-3. stop, wait until down, hold and probe.
  let stopped = false;
  let probes: Probe[] = [];
  let availability: Availability | undefined;
  let error: unknown;
  let restoreFailures: string[] = [];
  let n = 2;
  try {
    const stopStarted = now();
    for (const s of d.stop) await runStep(s, n++, () => (stopped = true));
    checkAbort();
    ctx.log(`${n++}. the ${d.kind} is down (${took(stopStarted)} after the first stop command): probing every ${ctx.intervalMs} ms for ${ctx.holdMs / 1000} s`);
    const loop = await probeLoop({
      probe: probeWith,
      intervalMs: ctx.intervalMs,
      durationMs: ctx.holdMs,
      now,
      signal: ctx.signal,
      onProbe: (p) => {
        if (!probeOk(p)) ctx.log(`     probe at ${new Date(p.startMs).toISOString()} failed: ${p.message}`);
      },
    });
    probes = loop.probes;
    availability = summarizeProbes(probes, loop.window);
    checkAbort();
  } catch (e) {
    error = e;
  } finally {
    // 4. restore, whatever happened.
    if (stopped) {
      const failures: string[] = [];
      const restoreStarted = now();
      for (const s of d.restore) {
        ctx.log(`${n++}. ${s.title}`);
        const t = now();
        for (const a of s.actions) {
          try {
            await act(a);
          } catch (e) {
            failures.push(describe(e));
            ctx.log(`     FAILED: ${describe(e)}`);
          }
        }
        ctx.log(`     done in ${took(t)}`);
      }
      results.push(
        failures.length
          ? fail("restore", `${failures.join("; ")}; run by hand: ${manualRestore(d).join(" && ")}`)
          : ok("restore", `${d.kind} ${d.domain} is back after ${took(restoreStarted)} (${d.restore.map((s) => s.title.split(" (")[0]).join("; ")})`),
      );
      restoreFailures = failures;
    }
  }
  if (error) results.unshift(fail("drill", `${describe(error)}${stopped ? ` — the ${d.kind} was restored${restoreFailures.length ? " as far as it could be" : ""} before anything else` : "; nothing was stopped"}`));
  if (availability) results.unshift(...evaluateAvailability(availability));

  // 5. whole again (only once restored: otherwise it is known not to be).
  if (restoreFailures.length === 0 && stopped) {
    ctx.log(`${n}. check the universe is whole again`);
    results.push(...(await whole(ctx.tserverWaitMs ?? 180_000)));
  }
  await ctx.probes.client().then((c) => deleteDrillNamespace(c, ns)).catch(() => undefined);
  await ctx.probes.close();
  return {
    results,
    availability,
    probes,
    stopped,
    restored: restoreFailures.length === 0,
    ...(restoreFailures.length ? { manual: manualRestore(d) } : {}),
    aborted: aborted(),
  };
}
