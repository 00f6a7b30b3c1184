/**
 * Where the end-to-end suite's binaries are: scripts/e2e/build.sh builds them from the Go module proxy into a cache
 * outside the clone, one directory per tool and version (it prints those directories; versions: e2e/versions.env).
 */
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";

export const REPO_ROOT = path.resolve(__dirname, "..", "..");
const BUILD_SCRIPT = path.join(REPO_ROOT, "scripts", "e2e", "build.sh");

export interface E2eBinaries {
  /** Directory holding `pulumi` (the CLI built from github.com/pulumi/pulumi/pkg/v3). */
  readonly pulumiDir: string;
  /** Directory holding `pulumi-resource-kubernetes` (the real provider, tag v4.25.0). */
  readonly kubernetesProviderDir: string;
  readonly kubeApiserver: string;
  readonly kubeControllerManager: string;
  readonly kubeScheduler: string;
  readonly kubectl: string;
  readonly kwok: string;
  /** kwok's own stage definitions, copied from its module (kustomize/stage). */
  readonly kwokStageDir: string;
  readonly kine: string;
}

/** Resolve the cached binaries; throws naming what is missing and the command that builds it. */
export function e2eBinaries(opts: { engine?: boolean } = {}): E2eBinaries {
  const dirs = execFileSync("bash", [BUILD_SCRIPT, "--print-bin-dirs"], { encoding: "utf8" }).trim().split("\n");
  const [pulumiDir, kubernetesProviderDir, k8sDir, kwokDir, kineDir] = dirs;
  // The test bed alone (e2e/testbed.ts) needs no engine binaries.
  const needed = opts.engine === false ? [k8sDir, kwokDir, kineDir] : dirs;
  const missing = needed.filter((d) => !fs.existsSync(path.join(d, ".complete")));
  if (missing.length > 0) {
    throw new Error(`end-to-end binaries not built: ${missing.join(", ")}; run \`bash scripts/e2e/build.sh\``);
  }
  return {
    pulumiDir,
    kubernetesProviderDir,
    kubeApiserver: path.join(k8sDir, "kube-apiserver"),
    kubeControllerManager: path.join(k8sDir, "kube-controller-manager"),
    kubeScheduler: path.join(k8sDir, "kube-scheduler"),
    kubectl: path.join(k8sDir, "kubectl"),
    kwok: path.join(kwokDir, "kwok"),
    kwokStageDir: path.join(kwokDir, "stage"),
    kine: path.join(kineDir, "kine"),
  };
}
