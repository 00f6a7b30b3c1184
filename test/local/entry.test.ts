/**
 * vitest transpiles TypeScript itself and would hide what the Pulumi language host trips on (ts-node, CommonJS,
 * type checking). This loads index.ts exactly the way the host does, in a separate Node process.
 */
import { execFileSync } from "node:child_process";
import { resolve } from "node:path";
import { describe, expect, it } from "vitest";

const loader = resolve(__dirname, "../support/loadEntry.js");

describe("entry point under the language host's loader", () => {
  it("type-checks and runs index.ts through ts-node with the project's typescript", () => {
    const out = execFileSync(process.execPath, [loader, "local"], { encoding: "utf8", env: { ...process.env, PULUMI_NODEJS_TRANSPILE_ONLY: "" }, timeout: 120_000 });
    const summary = JSON.parse(out) as { resources: number; outputs: string[]; typescript: string };
    expect(summary.outputs).toEqual(["accessHints", "faultTolerance", "instanceIds", "k3sApiUrl", "kineEndpoint", "kubeconfig", "topology", "uiUrl", "ysqlConnectionString"]);
    expect(summary.resources).toBeGreaterThan(30);
    // The SDK's peer range: TypeScript below 7.
    expect(Number(summary.typescript.split(".")[0])).toBeLessThan(7);
  }, 180_000);
});
