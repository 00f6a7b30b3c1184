/**
 * scripts/register-ts.js, the TypeScript loader behind `npm run plan|up|preview|destroy|bench`: TypeScript's own
 * transpileModule, cached per file content. Checked against ts-node (what the scripts ran before), for cache
 * invalidation, for syntax errors, and for the property that makes it fast: a warm start never loads the compiler.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, describe, expect, it } from "vitest";

const ROOT = resolve(__dirname, "..", "..");
const LOADER = join(ROOT, "scripts", "register-ts.js");
const TS_NODE = require.resolve("ts-node/dist/bin.js", { paths: [ROOT] });
const dir = mkdtempSync(join(tmpdir(), "yb-k3s-register-ts-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const run = (args: string[], cache: string) => {
  const r = spawnSync(process.execPath, args, { cwd: ROOT, encoding: "utf8", timeout: 120_000, env: { ...process.env, YB_K3S_TS_CACHE: cache } });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
};
// The mock CA signs at the current time with random ECDSA nonces: certificate and CSR bodies differ between any two runs.
const normalisePem = (s: string) => s.replace(/-----BEGIN (CERTIFICATE|CERTIFICATE REQUEST)-----[^-]*-----END \1-----/g, "<$1>");

describe("scripts/register-ts.js", () => {
  it("runs the plan CLI to the same output as ts-node --transpile-only did", () => {
    const cache = join(dir, "plan");
    const fast = run(["-r", LOADER, "bin/plan.ts", "--stack", "local", "--format", "json"], cache);
    const tsNode = run([TS_NODE, "--transpile-only", "bin/plan.ts", "--stack", "local", "--format", "json"], cache);
    expect(fast.code, fast.stderr).toBe(0);
    expect(tsNode.code, tsNode.stderr).toBe(0);
    expect(normalisePem(fast.stdout)).toBe(normalisePem(tsNode.stdout));
    expect(fast.stderr).toBe("");
    // One cache entry per project file it loaded, nothing from node_modules; Node's compile cache beside them.
    const entries = readdirSync(cache).filter((f) => f !== "v8");
    expect(entries.length).toBeGreaterThan(20);
    expect(entries.every((f) => /^[0-9a-f]{16}-[\w.-]+\.js$/.test(f))).toBe(true);
    expect(readdirSync(join(cache, "v8")).length).toBeGreaterThan(0);
  }, 180_000);

  it("re-transpiles a file whose content changed, and a warm start does not load the TypeScript compiler", () => {
    const cache = join(dir, "edit");
    const file = join(dir, "answer.ts");
    const probe = `require(${JSON.stringify(file)}); process.stdout.write(String(Object.keys(require.cache).some((k) => k.includes("/node_modules/typescript/"))))`;
    writeFileSync(file, "const answer: number = 41;\nconsole.log(answer satisfies number);\n");
    expect(run(["-r", LOADER, file], cache).stdout).toBe("41\n");
    writeFileSync(file, "const answer: number = 42;\nconsole.log(answer satisfies number);\n");
    expect(run(["-r", LOADER, file], cache).stdout).toBe("42\n");
    // Warm: the same content again; `typescript` never enters require.cache.
    expect(run(["-r", LOADER, "-e", probe], cache).stdout).toBe("42\nfalse");
    // Cold (an empty cache): it does.
    expect(run(["-r", LOADER, "-e", probe], join(dir, "cold")).stdout).toBe("42\ntrue");
  }, 60_000);

  it("reports a syntax error with file, line and column", () => {
    const file = join(dir, "broken.ts");
    writeFileSync(file, "export const x = {;\n");
    const r = run(["-r", LOADER, file], join(dir, "broken"));
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`SyntaxError: ${file}(1,19): error TS1136: Property assignment expected.`);
  }, 60_000);
});
