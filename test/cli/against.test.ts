/**
 * `plan --against` (issue 15): the rollout from one config to another, before it runs — what is updated or replaced,
 * in which order, what restarts, whether quorum holds at every step — as text and json; a change a running stack
 * cannot take exits 2 with config-error lines. Spawned the way a user runs it (see plan.test.ts).
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { parse, stringify } from "yaml";
import type { RolloutReport } from "../../lib/rollout";

const ROOT = resolve(__dirname, "..", "..");
const TS_NODE = require.resolve("ts-node/dist/bin.js", { paths: [ROOT] });
const dir = mkdtempSync(join(tmpdir(), "yb-k3s-against-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function plan(...args: string[]) {
  const r = spawnSync(process.execPath, [TS_NODE, "--transpile-only", "bin/plan.ts", ...args], { cwd: ROOT, encoding: "utf8", timeout: 120_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** A copy of a shipped stack file with some keys changed: the "before" of a rollout. */
function before(stack: string, patch: (config: Record<string, unknown>) => void): string {
  const doc = parse(readFileSync(join(ROOT, "stacks", `Pulumi.${stack}.yaml`), "utf8")) as { config: Record<string, unknown> };
  patch(doc.config);
  const path = join(dir, `before-${stack}-${Math.random().toString(36).slice(2)}.yaml`);
  writeFileSync(path, stringify(doc));
  return path;
}

describe("plan --against", () => {
  it("a tserver flag change on local: the three nodes are replaced delete-first, one after another, quorum at every step; Kine and k3s untouched", () => {
    const old = before("local", (c) => {
      c["yb-k3s:yugabyte"] = { tserverFlags: { log_min_seconds_to_retain: 7200 } };
    });
    const r = plan("--stack", "local", "--against", old, "--format", "json");
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    const report = JSON.parse(r.stdout) as RolloutReport;
    const replaced = report.changes.filter((c) => c.action === "replace").map((c) => c.name);
    expect(replaced).toEqual(["yb-zone-a-0", "yb-zone-a-0-rejoin", "yb-zone-b-0", "yb-zone-b-0-rejoin", "yb-zone-c-0", "yb-zone-c-0-rejoin"]);
    expect(report.changes.every((c) => c.action === "replace" && c.deleteFirst)).toBe(true);
    expect(report.steps.map((s) => s.member)).toEqual(["yb-zone-a-0", "yb-zone-b-0", "yb-zone-c-0"]);
    expect(report.steps.every((s) => s.quorum && s.kineServing > 0)).toBe(true);
    expect(report.quorumHolds).toBe(true);
    expect(report.changes.some((c) => /^kine-|^k3s-/.test(c.name))).toBe(false);
  });

  it("text, against a git revision: the same stack file at HEAD is no change at all", () => {
    const r = plan("--stack", "dev", "--against", "HEAD");
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("No change: nothing is updated, replaced or restarted.");
    expect(r.stdout).toContain("Quorum holds at every step: yes");
  });

  it("a YugabyteDB version bump on dev: zone StatefulSets roll a, b, c, each followed by its gate; the Kine Deployment is not touched", () => {
    const old = before("dev", (c) => {
      c["yb-k3s:yugabyte"] = { ...(c["yb-k3s:yugabyte"] as object), version: "2025.2.0.0", build: "b131" };
    });
    const r = plan("--stack", "dev", "--against", old);
    expect(r.code).toBe(0);
    const lines = r.stdout.split("\n");
    const order = lines.filter((l) => /^\s+\d+\. /.test(l)).map((l) => l.replace(/^\s+\d+\.\s+/, ""));
    const sts = order.map((l, i) => [l, i] as const).filter(([l]) => /StatefulSet yugabyte-yb-/.test(l));
    expect(sts.map(([l]) => l.match(/yb-(us-east-1[abc])/)?.[1])).toEqual(["us-east-1a", "us-east-1b", "us-east-1c"]);
    for (const [l, i] of sts) expect(order[i + 1]).toMatch(new RegExp(`replace \\(delete first\\)\\s+kubernetes:Job yugabyte-yb-rollout-${l.match(/yb-(us-east-1[abc])/)?.[1]}`));
    expect(order.some((l) => /Deployment kine-deployment/.test(l))).toBe(false);
    expect(r.stdout).toContain("rolling update: pods restart one at a time");
    expect(r.stdout).toContain("Quorum holds at every step: yes");
  });

  it("switching TLS on a running stack is refused with a config-error line naming the key (exit 2, nothing on stdout)", () => {
    const old = before("local", (c) => {
      c["yb-k3s:tls"] = { enabled: true };
    });
    const r = plan("--stack", "local", "--against", old);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe("");
    expect(r.stderr.trimEnd().split("\n")).toEqual([expect.stringMatching(/^yb-k3s:tls\.enabled: switching TLS off is not a rolling change/)]);
  });

  it("a scale-in that removes a node running a master is refused, naming the key", () => {
    const old = before("local", (c) => {
      c["yb-k3s:regions"] = [{ name: "dc1", zones: ["zone-a", "zone-b", "zone-c", "zone-d", "zone-e"] }];
      c["yb-k3s:replicationFactor"] = 5;
    });
    const r = plan("--stack", "local", "--against", old);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^yb-k3s:regions\[0\]\.zones: removes yb-zone-d-0, which runs a YugabyteDB master/m);
  });

  it("--against accepts only text or json", () => {
    const r = plan("--stack", "local", "--against", "HEAD", "--format", "mermaid");
    expect(r.code).toBe(64);
  });
});
