/**
 * npm run drill -- --stack NAME --fault-domain <zone|region> [--domain NAME] [--execute [--confirm NAME]]
 *                  [--probe-interval-ms N] [--hold-seconds N]
 * Dry run by default: prints the steps. --execute takes the domain down (docker, kubernetes), probes the k3s API while
 * it is down, restores it — always, also on a failure or Ctrl-C — and checks the universe is whole again. A stack
 * whose data policy says it holds real data also needs --confirm <its name>. Exit 0, 1 (something failed), 2 (invalid
 * stack file), 64 (usage), 77 (refused), 130 (interrupted; the domain was restored first).
 */
import { readFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { startOps } from "../lib/opsCli";
import { DrillUsageError, parseDrillArgs } from "../lib/drill/cli";
import { executeDrill, type ProbeConnection } from "../lib/drill/execute";
import { reconnecting } from "../lib/drill/probe";
import { DrillRefusal, formatDrill, manualRestore, renderDrill, type DrillPlan } from "../lib/drill/steps";
import { accessFor } from "../lib/verify/access";
import { kubeClient } from "../lib/verify/kubeClient";
import { parseKubeconfig } from "../lib/verify/kubeconfig";
import { parseOutputs, type VerifyOutputs } from "../lib/verify/outputs";
import { formatResult, summarize } from "../lib/verify/result";
import { readStackOutputs } from "../lib/verify/stackOutputs";

const repoRoot = resolve(__dirname, "..");
const out = (l: string) => process.stdout.write(`${l}\n`);
const err = (l: string) => process.stderr.write(`${l}\n`);

async function main(): Promise<number> {
  // Usage, the stack, and the real-data refusal first, before any outputs are read or anything is reached.
  const started = startOps(process.argv.slice(2), parseDrillArgs, (e) => e instanceof DrillUsageError, (a) => `take its ${a.faultDomain} down`);
  if ("code" in started) return started.code;
  const { args, stack } = started;
  const { topology, plan, holdsRealData } = stack;
  let drill: DrillPlan;
  const readOutputs = (): (VerifyOutputs & Record<string, unknown>) | undefined => {
    if (args.outputs) return parseOutputs(readFileSync(args.outputs, "utf8"), args.outputs);
    return readStackOutputs(plan.stack, repoRoot);
  };
  // aws: instance ids for the printed commands, placeholders when the outputs cannot be read.
  let outputs: (VerifyOutputs & Record<string, unknown>) | undefined;
  if (plan.target === "aws" || args.outputs) {
    try {
      outputs = readOutputs();
    } catch (e) {
      if (args.outputs) throw e;
    }
  }
  try {
    drill = renderDrill({ plan, topology, kind: args.faultDomain, domain: args.domain, instanceIds: outputs?.instanceIds });
  } catch (e) {
    if (e instanceof DrillRefusal) {
      err(`refusing: ${e.message}`);
      return 77;
    }
    throw e;
  }
  out(formatDrill(drill, { dryRun: !args.execute, holdSeconds: args.holdSeconds, probeIntervalMs: args.probeIntervalMs }).trimEnd());
  if (!args.execute) {
    if (!drill.executable) {
      out(`\nNote: ${drill.notExecutableReason}.`);
      return 0;
    }
    out(`\nRun it with: npm run drill -- --stack ${plan.stack} --fault-domain ${drill.kind} --domain ${drill.domain} --execute${holdsRealData ? ` --confirm ${plan.stack}` : ""}`);
    return 0;
  }
  if (!drill.executable) {
    err(`refusing: ${drill.notExecutableReason}`);
    return 77;
  }

  // The probes' client: --kubeconfig, or the stack's kubeconfig output; --k3s-server (or, docker degraded, a surviving
  // server's port) replaces its server; on kubernetes without either, a port forward to the k3s Service.
  const access = accessFor(plan, topology);
  let kubeText: { text: string; dir: string } | undefined;
  if (args.kubeconfig) kubeText = { text: readFileSync(args.kubeconfig, "utf8"), dir: dirname(resolve(args.kubeconfig)) };
  else {
    outputs ??= readOutputs();
    if (!outputs?.kubeconfig || outputs.kubeconfig === "[secret]") throw new Error("no kubeconfig: the stack has no kubeconfig output; pass --kubeconfig FILE (the k3s kubeconfig)");
    kubeText = { text: outputs.kubeconfig, dir: process.cwd() };
  }
  const kube = parseKubeconfig(kubeText.text, kubeText.dir, args.context);
  const server = args.k3sServer ?? drill.probeServer;
  let probes: ProbeConnection;
  if (!server && !args.kubeconfig && plan.target === "kubernetes" && access.endpointForwards) {
    const forwards = access.endpointForwards;
    probes = reconnecting(async () => {
      const f = await forwards();
      return { client: kubeClient({ ...kube, server: f.k3sServer as string }, 5_000), close: () => f.close() };
    });
  } else {
    const c = kubeClient(server ? { ...kube, server: server.replace(/\/+$/, "") } : kube, 5_000);
    probes = { client: async () => c, reset: async () => undefined, close: async () => undefined };
  }

  const ctl = new AbortController();
  let interrupts = 0;
  const onSignal = (sig: string) => {
    interrupts++;
    if (interrupts === 1) {
      err(`\n${sig}: restoring ${drill.kind} ${drill.domain} before exiting (again to stop at once and restore by hand)`);
      ctl.abort();
      return;
    }
    err(`stopped at once: restore ${drill.kind} ${drill.domain} by hand with:\n${manualRestore(drill).map((l) => `  ${l}`).join("\n")}`);
    process.exit(130);
  };
  process.on("SIGINT", () => onSignal("SIGINT"));
  process.on("SIGTERM", () => onSignal("SIGTERM"));

  out("");
  const outcome = await executeDrill(drill, {
    plan,
    probes,
    holdMs: args.holdSeconds * 1000,
    intervalMs: args.probeIntervalMs,
    access,
    skipTservers: args.ybAdmin ? undefined : "--no-yb-admin: the tablet servers were not asked",
    log: out,
    signal: ctl.signal,
  });
  out("");
  for (const r of outcome.results) out(formatResult(r));
  out(summarize(outcome.results));
  if (outcome.manual) {
    err(`\nRestoring failed: run by hand\n${outcome.manual.map((l) => `  ${l}`).join("\n")}`);
  }
  if (outcome.aborted) return 130;
  return outcome.results.some((r) => r.status === "fail") ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (e: unknown) => {
    err(`drill: ${e instanceof Error ? e.message : String(e)}`);
    process.exit(1);
  },
);
