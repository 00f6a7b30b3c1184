/**
 * `npm run verify` for real against the end-to-end test bed: a real kube-apiserver, controller-manager, scheduler and
 * kwok nodes on stock Kine on PostgreSQL holding this program's own schema (postgres dialect). No Pulumi engine:
 * verify is handed the endpoints explicitly (`--kubeconfig`, `--dsn`, `--kine-endpoint`) or as a stack-outputs file,
 * exactly as `pulumi stack output --json --show-secrets` would give them.
 * Proves: the Kubernetes checks (readyz, nodes, the sample workload deployed, Ready and removed) and the SQL schema
 * checks pass on a healthy control plane, and each fails — naming the check — when it is broken: the covering index
 * recreated without INCLUDE (id); Kine stopped (the Kine check and /readyz fail).
 */
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { VERIFY_LABEL } from "../../lib/verify/kubernetes";
import { KINE_INDEXES, renderKineSchemaSql } from "../../planner/kineSchema";
import { psql } from "../../test/support/postgres";
import { e2eBinaries, REPO_ROOT } from "../harness/binaries";
import { startControlPlane, type RunningControlPlane } from "../harness/controlPlane";
import { kubernetesStack, testBedOptions } from "../harness/stackTestBed";
import { waitFor } from "../harness/processes";

const STACK = "dev";
const { regions } = kubernetesStack(STACK);
const DB = "kine";

let cp: RunningControlPlane;

interface Run {
  readonly code: number | null;
  readonly lines: string[];
  readonly stdout: string;
  line(check: string): string | undefined;
}

/** The real command, as a user runs it (`npm run verify -- ...` is `ts-node bin/verify.ts ...`). */
function verify(args: readonly string[]): Run {
  const r = spawnSync(path.join(REPO_ROOT, "node_modules", ".bin", "ts-node"), ["--transpile-only", path.join(REPO_ROOT, "bin", "verify.ts"), ...args], {
    cwd: REPO_ROOT,
    encoding: "utf8",
    timeout: 300_000,
  });
  const lines = r.stdout.split("\n").filter((l) => l.length > 0);
  return {
    code: r.status,
    lines,
    stdout: `${r.stdout}\n${r.stderr}`,
    line: (check) => lines.find((l) => new RegExp(`^(ok|FAIL|skip) ${check.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&")}: `).test(l)),
  };
}

const explicit = () => ["--kubeconfig", cp.kubeconfig, "--dsn", cp.pg.url(DB), "--kine-endpoint", cp.kine.endpoint];

const verifyNamespaces = () =>
  cp.kubectl(["get", "namespaces", "-l", `${VERIFY_LABEL.key}=${VERIFY_LABEL.value}`, "-o", "name"]).trim();

describe("npm run verify against the real control plane", () => {
  beforeAll(async () => {
    const binaries = e2eBinaries({ engine: false });
    cp = await startControlPlane(testBedOptions(STACK, binaries, { database: DB, schemaSql: renderKineSchemaSql(DB, "postgres") }));
  }, 300_000);

  afterAll(async () => {
    await cp?.stop();
  }, 120_000);

  it("passes on a healthy control plane: readyz, nodes, the sample workload, every schema check, Kine", () => {
    const r = verify(explicit());
    expect(r.code, r.stdout).toBe(0);
    expect(r.line("readyz"), r.stdout).toMatch(/^ok readyz: API server ready/);
    expect(r.line("nodes"), r.stdout).toMatch(new RegExp(`^ok nodes: 3/3 Ready: ${regions[0].zones.map((z) => `kwok-${z}-0`).join(", ")}$`));
    expect(r.line("workload.deploy"), r.stdout).toMatch(/^ok /);
    expect(r.line("workload.ready"), r.stdout).toMatch(/^ok workload.ready: 2\/2 available, 2 ready endpoint\(s\)/);
    expect(r.line("workload.removed"), r.stdout).toMatch(/^ok /);
    expect(r.line("schema.primary-key"), r.stdout).toBe("ok schema.primary-key: kine_pkey btree (id ASC)");
    expect(r.line("schema.columns"), r.stdout).toMatch(/^ok /);
    for (const ix of KINE_INDEXES) expect(r.line(`schema.index/${ix.name}`), r.stdout).toMatch(/^ok /);
    expect(r.line("schema.index/kine_name_prev_revision_uindex")).toMatch(/INCLUDE \(id\)$/);
    expect(r.line(`kine/${cp.kine.endpoint}`), r.stdout).toMatch(/^ok .* revision \d+/);
    expect(r.lines.filter((l) => l.startsWith("FAIL"))).toEqual([]);
    expect(r.lines.at(-1)).toMatch(/^\d+ ok, 0 FAIL, \d+ skip$/);
    // The workload really existed and is really gone: its Deployment's rows are in Kine, its namespace is not.
    expect(verifyNamespaces()).toBe("");
  }, 300_000);

  it("reads the same endpoints from a stack-outputs file (the JSON of pulumi stack output --json --show-secrets)", () => {
    const outputs = path.join(cp.dir, "outputs.json");
    fs.writeFileSync(
      outputs,
      JSON.stringify({ kubeconfig: fs.readFileSync(cp.kubeconfig, "utf8"), ysqlConnectionString: cp.pg.url(DB), kineEndpoint: cp.kine.endpoint, k3sApiUrl: cp.server, topology: {} }),
      { mode: 0o600 },
    );
    const r = verify(["--outputs", outputs, "--no-workload"]);
    expect(r.code, r.stdout).toBe(0);
    expect(r.line("readyz")).toMatch(/^ok /);
    expect(r.line("workload")).toBe("skip workload: --no-workload: the sample workload was not deployed");
    expect(r.line("schema.index/kine_name_prev_revision_uindex")).toMatch(/^ok /);
    expect(r.line(`kine/${cp.kine.endpoint}`)).toMatch(/^ok /);
  }, 120_000);

  it("fails naming the covering index when it is recreated without INCLUDE (id), and passes again once restored", async () => {
    await psql(cp.pg, DB, "DROP INDEX kine_name_prev_revision_uindex; CREATE UNIQUE INDEX kine_name_prev_revision_uindex ON kine (name, prev_revision);");
    try {
      const r = verify(["--dsn", cp.pg.url(DB)]);
      expect(r.code, r.stdout).toBe(1);
      expect(r.line("schema.index/kine_name_prev_revision_uindex"), r.stdout).toMatch(/^FAIL schema.index\/kine_name_prev_revision_uindex: missing INCLUDE \(id\): CREATE UNIQUE INDEX/);
      // Only that line fails; the other indexes and the primary key are untouched.
      expect(r.lines.filter((l) => l.startsWith("FAIL"))).toHaveLength(1);
    } finally {
      await psql(cp.pg, DB, "DROP INDEX kine_name_prev_revision_uindex; CREATE UNIQUE INDEX kine_name_prev_revision_uindex ON kine (name ASC, prev_revision ASC) INCLUDE (id);");
    }
    const again = verify(["--dsn", cp.pg.url(DB)]);
    expect(again.code, again.stdout).toBe(0);
    expect(again.line("schema.index/kine_name_prev_revision_uindex")).toMatch(/^ok .*INCLUDE \(id\)$/);
  }, 120_000);

  it("fails naming the primary key when its constraint is not named kine_pkey (Kine matches that name)", async () => {
    await psql(cp.pg, DB, "ALTER TABLE kine RENAME CONSTRAINT kine_pkey TO kine_id_pkey;");
    try {
      const r = verify(["--dsn", cp.pg.url(DB)]);
      expect(r.code, r.stdout).toBe(1);
      expect(r.line("schema.primary-key"), r.stdout).toBe(
        "FAIL schema.primary-key: no primary key constraint named kine_pkey (the primary key is named kine_id_pkey): Kine's insert retry matches that name",
      );
    } finally {
      await psql(cp.pg, DB, "ALTER TABLE kine RENAME CONSTRAINT kine_id_pkey TO kine_pkey;");
    }
  }, 120_000);

  it("with Kine stopped: the Kine check and /readyz fail, and no sample workload is attempted", async () => {
    await cp.kine.stop();
    // The API server notices on its next etcd health probe; verify is a snapshot, so poll it (bounded).
    let last: Run | undefined;
    await waitFor(
      "verify to see the API server unready",
      () => {
        last = verify([...explicit(), "--timeout", "20"]);
        return last.line("readyz")?.startsWith("FAIL") === true;
      },
      120_000,
      () => last?.stdout ?? "",
    );
    const r = last as Run;
    expect(r.code, r.stdout).toBe(1);
    expect(r.line("readyz"), r.stdout).toMatch(/^FAIL readyz: HTTP 500; failing: .*etcd/);
    expect(r.line(`kine/${cp.kine.endpoint}`), r.stdout).toMatch(/^FAIL kine\/http:\/\/127\.0\.0\.1:\d+: no answer to a range request/);
    expect(r.line("workload"), r.stdout).toBe("skip workload: the API server is not ready; no sample workload deployed");
  }, 300_000);
});
