/**
 * Start the end-to-end test bed on its own, for debugging or trying the kubernetes target by hand:
 *   node -r ./scripts/register-ts.js e2e/testbed.ts [STACK]      (default: dev)
 * Starts PostgreSQL (the stack's schema), Kine, kube-apiserver, controller-manager, scheduler and kwok nodes for the
 * stack's zones, prints the admin kubeconfig path, and stops everything on Ctrl-C.
 */
import { execFileSync } from "node:child_process";
import * as path from "node:path";
import { readStackFile, stackFilePath } from "../lib/stackFile";
import { e2eBinaries, REPO_ROOT } from "./harness/binaries";

async function main(): Promise<void> {
  const stack = process.argv[2] ?? "dev";
  const binaries = e2eBinaries({ engine: false });
  process.env.KINE_BIN ??= binaries.kine; // read by test/support/kine.ts when it is loaded
  const { startControlPlane } = await import("./harness/controlPlane");
  const file = readStackFile(stackFilePath(stack), stack);
  const regions = file.config["yb-k3s:regions"] as { name: string; zones: string[] }[];
  const k8s = file.config["yb-k3s:kubernetes"] as { storageClass: string; zoneLabel: string; context: string };
  const schemaSql = execFileSync("npm", ["run", "--silent", "plan", "--", "--stack", stack, "--format", "sql", "--dialect", "postgres"], { cwd: REPO_ROOT, encoding: "utf8" });
  const started = Date.now();
  const cp = await startControlPlane({
    binaries,
    zones: regions.flatMap((r) => r.zones),
    region: regions[0].name,
    zoneLabel: k8s.zoneLabel,
    storageClass: k8s.storageClass,
    context: k8s.context,
    database: "kine",
    schemaSql,
  });
  process.stdout.write(
    `test bed for stack ${stack} up in ${((Date.now() - started) / 1000).toFixed(1)} s\n` +
      `  KUBECONFIG=${cp.kubeconfig} ${path.basename(binaries.kubectl)} get nodes -L ${k8s.zoneLabel}\n` +
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
