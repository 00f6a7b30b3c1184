/**
 * Start the end-to-end test bed on its own, for debugging or trying the kubernetes target by hand:
 *   node -r ./scripts/register-ts.js e2e/testbed.ts [STACK]      (default: dev)
 * Starts PostgreSQL (the stack's schema), Kine, kube-apiserver, controller-manager, scheduler and kwok nodes for the
 * stack's zones, prints the admin kubeconfig path, and stops everything on Ctrl-C.
 */
import * as path from "node:path";
import { e2eBinaries } from "./harness/binaries";
import { kubernetesStack, testBedOptions } from "./harness/stackTestBed";

async function main(): Promise<void> {
  const stack = process.argv[2] ?? "dev";
  const binaries = e2eBinaries({ engine: false });
  process.env.KINE_BIN ??= binaries.kine; // read by test/support/kine.ts when it is loaded
  const { startControlPlane } = await import("./harness/controlPlane");
  const { kubernetes } = kubernetesStack(stack);
  const started = Date.now();
  const cp = await startControlPlane(testBedOptions(stack, binaries));
  process.stdout.write(
    `test bed for stack ${stack} up in ${((Date.now() - started) / 1000).toFixed(1)} s\n` +
      `  KUBECONFIG=${cp.kubeconfig} ${path.basename(binaries.kubectl)} get nodes -L ${kubernetes.zoneLabel}\n` +
      `  kubectl: ${binaries.kubectl}\n  Kine: ${cp.kine.endpoint}, PostgreSQL: ${cp.pg.url("kine")}\n  logs: ${cp.dir}\nCtrl-C stops it.\n`,
  );
  const stop = () => void cp.stop().then(() => process.exit(0));
  process.on("SIGINT", stop);
  process.on("SIGTERM", stop);
  if (process.argv.includes("--check")) stop();
}

main().catch((e: unknown) => {
  process.stderr.write(`${e instanceof Error ? e.message : String(e)}\n`);
  process.exit(1);
});
