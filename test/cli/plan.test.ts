/**
 * The offline `plan` CLI as a user runs it: a stack file in, exit code and streams out.
 * Spawned as `ts-node --transpile-only bin/plan.ts` through node itself (what `npx ts-node` resolves to) so that npm's
 * own warnings about the machine's npmrc never reach the stderr we assert on.
 */
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { stringify } from "yaml";
import { localConfig } from "../support/topologies";
import { ALIAS_BOMB, inputCases } from "../support/mistakes";

const ROOT = resolve(__dirname, "..", "..");
const TS_NODE = require.resolve("ts-node/dist/bin.js", { paths: [ROOT] });
const dir = mkdtempSync(join(tmpdir(), "yb-k3s-cli-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

let n = 0;
/** A stack file named for `stack`: its name picks the policy config (local: advisory; unknown stacks: mandatory). */
function stackFile(config: Record<string, unknown>, stack = "local"): string {
  const sub = join(dir, String(n++));
  mkdirSync(sub, { recursive: true });
  const path = join(sub, `Pulumi.${stack}.yaml`);
  writeFileSync(path, stringify({ config: Object.fromEntries(Object.entries(config).map(([k, v]) => [`yb-k3s:${k}`, v])) }));
  return path;
}

function plan(...args: string[]) {
  const r = spawnSync(process.execPath, [TS_NODE, "--transpile-only", "bin/plan.ts", ...args], { cwd: ROOT, encoding: "utf8", timeout: 60_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

const PROBLEM_LINE = /^yb-k3s:[^ ]+: .+$/;
const expectConfigFailure = (r: ReturnType<typeof plan>) => {
  expect(r.code).toBe(2);
  expect(r.stdout).toBe("");
  const lines = r.stderr.trimEnd().split("\n");
  expect(lines.length).toBeGreaterThanOrEqual(1);
  for (const l of lines) expect(l).toMatch(PROBLEM_LINE);
  expect(r.stderr).not.toMatch(/\n\s+at |Error:|\.ts:\d+/);
  return lines;
};

describe("plan CLI on invalid config", () => {
  it("exit 2, one problem line per mistake on stderr, nothing on stdout, no stack trace", () => {
    const r = plan("--config", stackFile({ ...localConfig(), replicationFactor: 4, k3s: { servers: 0 }, bogus: true }));
    const lines = expectConfigFailure(r);
    expect(lines).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^yb-k3s:bogus: unknown key/),
        expect.stringMatching(/^yb-k3s:k3s\.servers: must be at least 1/),
        expect.stringMatching(/^yb-k3s:replicationFactor: must be odd/),
      ]),
    );
  }, 60_000);

  it("the fault-tolerance check fails the same way, in every format", () => {
    const file = stackFile({ ...localConfig(), kine: { replicas: 1 } });
    for (const format of ["text", "json", "mermaid", "sql"]) {
      const lines = expectConfigFailure(plan("--config", file, "--format", format));
      expect(lines[0]).toMatch(/^yb-k3s:faultTolerance: 'zone' requires the datastore/);
    }
  }, 120_000);

  it("wrong types and a non-mapping section", () => {
    const lines = expectConfigFailure(plan("--config", stackFile({ ...localConfig(), regions: "dc1", kine: 2 })));
    expect(lines).toEqual(expect.arrayContaining([expect.stringMatching(/^yb-k3s:regions: must be a list/), expect.stringMatching(/^yb-k3s:kine: must be a mapping/)]));
  }, 60_000);

  it("a stack file that is not YAML is a config error too", () => {
    const path = join(dir, "Pulumi.broken.yaml");
    writeFileSync(path, "config:\n  yb-k3s:target: [docker\n");
    const r = plan("--config", path);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe("");
    expect(r.stderr.trimEnd().split("\n")).toHaveLength(1);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  }, 60_000);
});

/** Issue 14 through the real CLI: a representative subset of the battery (test/support/mistakes.ts). */
const CLI_SUBSET = [
  "loopback octet above 255",
  "misspelt tserver gflag",
  "--cluster-init (embedded etcd beside Kine)",
  "--token on the command line",
  "ysql host port range past 65535",
  "host port ranges that collide (UI)",
  "CIDR with host bits",
  "kubernetes source range that is no CIDR",
  "zero storage",
  "empty instance type",
  "RF 1 with zone fault tolerance",
  "negative RF",
];

describe("plan CLI on input that used to get through or crash", () => {
  it.each(inputCases.filter(([name]) => CLI_SUBSET.includes(name)))("%s: exit 2, the key path and what is allowed", (_name, raw, expected) => {
    const lines = expectConfigFailure(plan("--config", stackFile(raw()), "--format", "json"));
    expect(lines.some((l) => expected.test(l)), lines.join("\n")).toBe(true);
  }, 60_000);

  it("a near-miss namespace: exit 2 with a did-you-mean", () => {
    const path = stackFile(localConfig());
    writeFileSync(path, readFileSync(path, "utf8") + "  yb-k3:k3s:\n    servers: 3\n");
    const r = plan("--config", path);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe("");
    expect(r.stderr.trimEnd().split("\n")).toEqual([expect.stringMatching(/^yb-k3:k3s: unknown config namespace 'yb-k3' .*; did you mean yb-k3s:k3s\?$/)]);
  }, 60_000);

  it.each([
    ["a YAML list", "- a\n- b\n", /: must be a YAML mapping with a config: mapping of keys such as yb-k3s:target \(got a list\)$/],
    ["an alias bomb", ALIAS_BOMB, /: not accepted: its YAML aliases expand to more than 100 nodes/],
    ["a 5 MB file of unknown keys", "config:\n" + Array.from({ length: 150_000 }, (_, i) => `  yb-k3s:unknownkey${i}: value${i}\n`).join(""), /: is \d+ bytes; a stack file is at most 65536 bytes/],
  ])("%s: exit 2, one line naming the file, at once", (_name, text, expected) => {
    const path = join(dir, `Pulumi.file${n++}.yaml`);
    writeFileSync(path, text);
    const started = Date.now();
    const r = plan("--config", path);
    expect(Date.now() - started).toBeLessThan(30_000);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe("");
    const lines = r.stderr.trimEnd().split("\n");
    expect(lines).toHaveLength(1);
    expect(lines[0].startsWith(`${path}: `)).toBe(true);
    expect(lines[0]).toMatch(expected);
    expect(r.stderr).not.toMatch(/\n\s+at |plan failed/);
  }, 60_000);

  it("ysql_enable_auth: false is a mandatory finding where the stack holds real data, and allowed on local", () => {
    const config = { ...localConfig(), yugabyte: { tserverFlags: { ysql_enable_auth: false } } };
    const staging = plan("--config", stackFile(config, "staging"), "--format", "json");
    expect(staging.code, staging.stderr).toBe(3);
    expect(JSON.parse(staging.stdout).policies).toContainEqual(
      expect.objectContaining({ policy: "yb-ysql-auth", level: "mandatory", message: expect.stringMatching(/ysql_enable_auth=false.*holds real data/) }),
    );
    const local = plan("--config", stackFile(config, "local"), "--format", "json");
    expect(local.code, local.stderr).toBe(0);
    expect(JSON.parse(local.stdout).policies.filter((p: { policy: string }) => p.policy === "yb-ysql-auth")).toEqual([]);
  }, 120_000);
});

describe("plan CLI on a valid config", () => {
  it("json carries the fault-tolerance report and the stack output summary", () => {
    const r = plan("--config", stackFile(localConfig()), "--format", "json");
    expect(r.code, r.stderr).toBe(0);
    const j = JSON.parse(r.stdout);
    expect(j.faultTolerance.survives).toEqual({ node: true, zone: false, region: false });
    expect(j.faultTolerance.scenarios.length).toBe(7);
    for (const s of j.faultTolerance.scenarios) expect(["survives", "degraded", "fails"]).toContain(s.verdict);
    expect(j.outputs.faultTolerance.survives).toEqual(j.faultTolerance.survives);
    expect(j.outputs.faultTolerance.datastoreSurvives.zone).toBe(true);
  }, 60_000);

  it("exits 3 on a mandatory policy violation and lists it in the JSON", () => {
    // An unknown stack gets mandatory enforcement; one k3s server violates control-plane-ha outside `local`.
    const r = plan("--config", stackFile(localConfig(), "ephemeral"), "--format", "json");
    expect(r.code, r.stderr).toBe(3);
    const j = JSON.parse(r.stdout);
    expect(j.policies).toContainEqual(expect.objectContaining({ policy: "control-plane-ha", level: "mandatory" }));
  }, 60_000);

  it("text prints the scenario table; a docker HA stack reports the moved endpoint", () => {
    const r = plan("--config", stackFile({ ...localConfig(), k3s: { servers: 3 } }), "--format", "text");
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/lose\s+what\s+verdict\s+masters\s+tablets\s+kine\s+k3s\s+api\s+reason/);
    expect(r.stdout).toMatch(/zone\s+zone-a\s+degraded\s.*moved.*https:\/\/127\.0\.0\.1:6444/);
    expect(r.stdout).toMatch(/Control plane survives the loss of one: node yes, zone yes, region no/);
  }, 60_000);
});
