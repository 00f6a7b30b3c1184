/**
 * The offline `plan` CLI as a user runs it: a stack file in, exit code and streams out.
 * Spawned as package.json's `plan` script (`node -r ./scripts/register-ts.js bin/plan.ts`) through node itself, not
 * through npm, so that npm's own warnings about the machine's npmrc never reach the stderr we assert on.
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
const [NODE, ...PLAN_ARGS] = (JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as { scripts: { plan: string } }).scripts.plan.split(" ");
if (NODE !== "node") throw new Error(`package.json scripts.plan no longer starts with node: update ${__filename}`);
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
  const r = spawnSync(process.execPath, [...PLAN_ARGS, ...args], { cwd: ROOT, encoding: "utf8", timeout: 60_000 });
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

  it("exits 3 on a mandatory policy violation, lists it in the JSON and says it on stderr", () => {
    // An unknown stack gets mandatory enforcement; one k3s server violates control-plane-ha outside `local`.
    const file = stackFile(localConfig(), "ephemeral");
    const r = plan("--config", file, "--format", "json");
    expect(r.code, r.stderr).toBe(3);
    const j = JSON.parse(r.stdout);
    expect(j.policies).toContainEqual(expect.objectContaining({ policy: "control-plane-ha", level: "mandatory" }));
    const violations = r.stderr.split("\n").filter((l) => l.startsWith("plan: policy violation "));
    expect(violations).toHaveLength(j.policies.filter((p: { level: string }) => p.level === "mandatory").length);
    expect(violations).toContainEqual(expect.stringMatching(/^plan: policy violation \[mandatory\] control-plane-ha: the stack runs 1 k3s server/));
    for (const format of ["text", "mermaid"]) {
      const t = plan("--config", file, "--format", format);
      expect(t.code).toBe(3);
      expect(t.stderr).toMatch(/^plan: policy violation \[mandatory\] control-plane-ha: /m);
    }
  }, 90_000);

  it("--config says which stack name and policy config it derived, on stderr", () => {
    const named = plan("--config", stackFile(localConfig(), "local"), "--format", "sql");
    expect(named.code, named.stderr).toBe(0);
    expect(named.stderr).toMatch(/^plan: --config \S+Pulumi\.local\.yaml: stack 'local' \(from the file name Pulumi\.local\.yaml\); policy config policies\/config\/local\.json\n$/);
    const other = join(dir, "mine.yaml");
    writeFileSync(other, stringify({ config: Object.fromEntries(Object.entries(localConfig()).map(([k, v]) => [`yb-k3s:${k}`, v])) }));
    const custom = plan("--config", other, "--format", "json");
    expect(custom.code).toBe(3);
    expect(JSON.parse(custom.stdout).stack).toBe("custom");
    expect(custom.stderr).toMatch(
      /^plan: --config \S+mine\.yaml: stack 'custom' \(the file name is not Pulumi\.<stack>\.yaml, so 'custom'\); no policy config \(policies\/config\/custom\.json does not exist\): every policy mandatory/,
    );
    // --stack NAME derives nothing: stderr stays empty.
    expect(plan("--stack", "local", "--format", "sql").stderr).toBe("");
  }, 90_000);

  it("text prints the scenario table; a docker HA stack reports the moved endpoint", () => {
    const r = plan("--config", stackFile({ ...localConfig(), k3s: { servers: 3 } }), "--format", "text");
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/lose\s+what\s+verdict\s+masters\s+tablets\s+kine\s+k3s\s+api\s+reason \/ down/);
    // The last column continues on lines of its own: the endpoint note may wrap.
    expect(r.stdout).toMatch(/zone\s+zone-a\s+degraded\s.*moved\s+down: kine-0, k3s-0; the kubeconfig\s+endpoint https:\/\/127\.0\.0\.1:6443 \(k3s-0\)[\s\S]*?https:\/\/127\.0\.0\.1:6444/);
    expect(r.stdout).toMatch(/Control plane survives the loss of one: node yes, zone yes, region no/);
  }, 60_000);
});

describe("plan CLI usage errors", () => {
  it("--dialect without --format sql is a usage error, not ignored", () => {
    for (const args of [["--dialect", "postgres"], ["--format", "json", "--dialect", "postgres"], ["--format", "mermaid", "--dialect", "yugabytedb"]]) {
      const r = plan("--stack", "local", ...args);
      expect(r.code).toBe(64);
      expect(r.stdout).toBe("");
      expect(r.stderr).toMatch(/^--dialect only applies to --format sql \(the schema DDL\); --format (text|json|mermaid) has no dialect\nusage: /);
    }
    expect(plan("--stack", "local", "--format", "sql", "--dialect", "postgres").code).toBe(0);
  }, 60_000);
});

describe("plan --format text for every shipped stack", () => {
  const texts = new Map<string, ReturnType<typeof plan>>();
  const text = (stack: string) => {
    if (!texts.has(stack)) texts.set(stack, plan("--stack", stack, "--format", "text"));
    return texts.get(stack) as ReturnType<typeof plan>;
  };

  it.each(["local", "dev", "staging", "prod"])("%s: every line fits 120 columns; the legend explains the symbols", (stack) => {
    const r = text(stack);
    expect(r.code, r.stderr).toBe(0);
    const long = r.stdout.split("\n").filter((l) => [...l].length > 120);
    expect(long).toEqual([]);
    expect(r.stdout).toMatch(/^Legend:$/m);
    expect(r.stdout).toMatch(/^ {2}masters ok\|LOST \(-n\): /m);
    expect(r.stdout).toMatch(/^ {2}tablets ok\|LOST \(-n\/RF\): /m);
    expect(r.stdout).toMatch(/^ {2}region \(primary\): .*\(standby\): /m);
    expect(r.stdout).toMatch(/^Who dials whom:$/m);
  }, 120_000);

  it("prod marks the standby region, and its node rows include every Kine and k3s host", () => {
    const out = text("prod").stdout;
    expect(out).toMatch(/standby control-plane region us-west-2/);
    expect(out).toMatch(/^us-west-2 \(standby\)\s+us-west-2a\s/m);
    expect(out).toMatch(/^us-east-1 \(primary\)\s+us-east-1a\s/m);
    expect(out).toMatch(/^eu-west-1\s+eu-west-1a\s/m);
    for (const host of ["kine-0", "kine-3", "k3s-0", "k3s-3"]) expect(out).toMatch(new RegExp(`^  node\\s+${host}\\s+survives\\s.*down: ${host}$`, "m"));
    expect(out).toMatch(/^  region\s+us-east-1\s+survives\s.*down: kine-0, kine-1, k3s-0, k3s-1$/m);
  }, 120_000);

  it("local has no standby region and keeps node rows to YugabyteDB nodes", () => {
    const out = text("local").stdout;
    expect(out).not.toMatch(/\(standby\)\s/);
    expect(out).not.toMatch(/^  node\s+(kine|k3s)-/m);
  }, 60_000);
});
