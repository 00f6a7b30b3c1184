/**
 * vitest transpiles TypeScript itself and would hide what the Pulumi language host trips on (Pulumi.yaml's runtime
 * options, ts-node, CommonJS). This loads index.ts exactly the way the host does, in a separate Node process.
 */
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import * as ts from "typescript";
import { describe, expect, it } from "vitest";

const ROOT = resolve(__dirname, "..", "..");
const loader = resolve(__dirname, "../support/loadEntry.js");

interface Summary {
  host: { typescript: boolean; tsConfigPath: string; transpileOnly: boolean; emit: Record<string, unknown>; ts: string };
  resources: number;
  outputs: string[];
}

describe("entry point under the language host's loader", () => {
  it("runs index.ts through ts-node transpile-only (Pulumi.yaml's tsconfig sets noCheck), emitting as tsconfig.json says", () => {
    const env = { ...process.env };
    delete env.PULUMI_NODEJS_TRANSPILE_ONLY; // the host's own decision, from Pulumi.yaml and the tsconfig it names
    const summary = JSON.parse(execFileSync(process.execPath, [loader, "local"], { encoding: "utf8", env, timeout: 120_000 })) as Summary;
    expect(summary.outputs).toEqual(["accessHints", "faultTolerance", "instanceIds", "k3sApiUrl", "kineEndpoint", "kubeconfig", "topology", "uiUrl", "ysqlConnectionString"]);
    expect(summary.resources).toBeGreaterThan(30);
    expect(summary.host).toMatchObject({ typescript: true, tsConfigPath: "tsconfig.pulumi.json", transpileOnly: true });
    // The host lays its defaults (ES2020, nodenext) under the named tsconfig's own compilerOptions: what ts-node emits
    // with must still be what `tsc -p tsconfig.json` checks.
    const parsed = ts.getParsedCommandLineOfConfigFile(resolve(ROOT, "tsconfig.json"), {}, { ...ts.sys, onUnRecoverableConfigFileDiagnostic: () => undefined });
    const o = parsed?.options ?? {};
    expect(summary.host.emit).toEqual({
      target: ts.ScriptTarget[o.target ?? 0],
      module: ts.ModuleKind[o.module ?? 0],
      moduleResolution: ts.ModuleResolutionKind[o.moduleResolution ?? 0],
      esModuleInterop: o.esModuleInterop,
      resolveJsonModule: o.resolveJsonModule,
    });
    // The SDK's peer range: TypeScript below 7.
    expect(Number(summary.host.ts.split(".")[0])).toBeLessThan(7);
  }, 180_000);

  it("keeps the type check where it belongs: tsconfig.json checks, `npm run typecheck` and the test command run it", () => {
    const tsconfig = ts.parseConfigFileTextToJson("tsconfig.json", readFileSync(resolve(ROOT, "tsconfig.json"), "utf8")).config as { compilerOptions: Record<string, unknown> };
    expect(tsconfig.compilerOptions.noCheck).toBeUndefined();
    const pkg = JSON.parse(readFileSync(resolve(ROOT, "package.json"), "utf8")) as { scripts: Record<string, string> };
    expect(pkg.scripts.typecheck).toBe("tsc --noEmit");
    expect(readFileSync(resolve(ROOT, "scripts/test.sh"), "utf8")).toMatch(/^npx tsc --noEmit -p \.$/m);
  });
});
