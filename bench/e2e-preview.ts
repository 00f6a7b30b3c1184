/**
 * A real `pulumi preview` of the dev (kubernetes) stack against the end-to-end test bed, compared with a real preview
 * of a one-resource program (the engine's floor: CLI start, plugin load, one provider, one resource) in the same run.
 * Reported as a ratio, because absolute seconds on a shared 2-core machine mean little.
 *   npx ts-node --transpile-only bench/e2e-preview.ts [rounds]
 * Writes the section between the e2e-preview markers of bench/RESULTS.md.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import * as k8s from "@pulumi/kubernetes";
import { e2eBinaries, REPO_ROOT } from "../e2e/harness/binaries";
import { kubernetesStack, testBedOptions } from "../e2e/harness/stackTestBed";

const ROUNDS = Number(process.argv[2] ?? 3);
const RESULTS = path.join(REPO_ROOT, "bench", "RESULTS.md");
const BEGIN = "<!-- e2e-preview:begin -->";
const END = "<!-- e2e-preview:end -->";

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function main(): Promise<void> {
  const binaries = e2eBinaries();
  process.env.KINE_BIN ??= binaries.kine;
  const { startControlPlane } = await import("../e2e/harness/controlPlane");
  const { createEngineStack } = await import("../e2e/harness/engine");
  const { file, kubernetes: k8sCfg } = kubernetesStack("dev");
  const cp = await startControlPlane(testBedOptions("dev", binaries));
  try {
    const dev = await createEngineStack({
      binaries, projectName: "yb-k3s", stackName: "dev",
      config: { ...file.config, "yb-k3s:kubernetes": { ...k8sCfg, kubeconfig: cp.kubeconfig, context: cp.context } },
      program: async () => {
        for (const k of Object.keys(require.cache)) if (k.startsWith(REPO_ROOT) && !k.includes("node_modules")) delete require.cache[k];
        return { ...(require(path.join(REPO_ROOT, "index.ts")) as Record<string, unknown>) };
      },
    });
    const floor = await createEngineStack({
      binaries, projectName: "yb-k3s-floor", stackName: "floor", config: {},
      program: async () => {
        const provider = new k8s.Provider("p", { kubeconfig: cp.kubeconfig, context: cp.context });
        new k8s.core.v1.ConfigMap("one", { metadata: { namespace: "default" }, data: { a: "b" } }, { provider });
        return {};
      },
    });
    const time = async (f: () => Promise<unknown>) => {
      const t = process.hrtime.bigint();
      await f();
      return Number(process.hrtime.bigint() - t) / 1e6;
    };
    await floor.stack.preview(); // warm the plugin binaries' page cache for both
    await dev.stack.preview();
    const devMs: number[] = [];
    const floorMs: number[] = [];
    for (let i = 0; i < ROUNDS; i++) {
      floorMs.push(await time(() => floor.stack.preview()));
      devMs.push(await time(() => dev.stack.preview()));
    }
    const resources = (await dev.stack.preview()).changeSummary.create ?? 0;
    const ratio = median(devMs) / median(floorMs);
    const section = [
      BEGIN,
      "## Real engine: preview of the dev stack vs the engine's floor (`bench/e2e-preview.ts`)",
      "",
      `Real Pulumi CLI and kubernetes provider against the end-to-end test bed; ${ROUNDS} rounds, interleaved, medians.`,
      "The floor is a one-resource program (one kubernetes provider, one ConfigMap) previewed the same way.",
      "",
      "| program | resources | median preview (ms) |",
      "|---|---|---|",
      `| one-resource floor | 1 | ${median(floorMs).toFixed(0)} |`,
      `| dev stack | ${resources} | ${median(devMs).toFixed(0)} |`,
      "",
      `Ratio dev / floor: **${ratio.toFixed(2)}** (${new Date().toISOString().slice(0, 10)}, Node ${process.version}, inline program in this process, the project loaded through scripts/register-ts.js; the CLI and provider start once per preview).`,
      END,
    ].join("\n");
    const text = fs.existsSync(RESULTS) ? fs.readFileSync(RESULTS, "utf8") : "";
    const next = text.includes(BEGIN) ? text.replace(new RegExp(`${BEGIN}[\\s\\S]*?${END}`), section) : `${text.trimEnd()}\n\n${section}\n`;
    fs.writeFileSync(RESULTS, next);
    process.stdout.write(`${section}\n`);
    await dev.remove();
    await floor.remove();
  } finally {
    await cp.stop();
  }
}

main().catch((e: unknown) => {
  process.stderr.write(`${e instanceof Error ? e.stack ?? e.message : String(e)}\n`);
  process.exit(1);
});
