/**
 * Issue 8, encryption in transit: the local (docker) and dev (kubernetes) stacks with `tls.enabled: true`, run under the
 * mocks, whose tls resources issue REAL certificates. What each process receives is read from what was registered
 * (Docker uploads, Kubernetes Secrets projected into pods), then checked with node:crypto.
 */
import { KINE_IMAGE_UID } from "../../planner/versions";
import { X509Certificate, createPrivateKey } from "node:crypto";
import { beforeAll, describe, expect, it } from "vitest";
import type { PlanReport } from "../../lib/plan";
import { planStack } from "../../lib/plan";
import { readStackFile, stackFilePath } from "../../lib/stackFile";
import { parseYugabytedFlags } from "../../planner/flags";
import { BOOTSTRAP_TLS_FILES, K3S_DATASTORE_TLS_FILES, KINE_TLS_FILES, LOOPBACK, TLS_DIRS, endpointHost, yugabyteNodeFiles } from "../../planner/tls";
import { evaluatePolicies } from "../../policies/evaluate";
import { processesInArgv } from "../../policies/extract";
import { launcherArms } from "../kubernetes/support";
import { dockerFiles, KINE_TLS_FLAGS, planTls, podFiles, type Delivered, type Obj } from "./support";

const targets = [
  { base: "local" as const, files: dockerFiles },
  { base: "dev" as const, files: podFiles },
];

const reports: Record<string, PlanReport> = {};
beforeAll(async () => {
  for (const t of targets) reports[t.base] = await planTls(t.base);
}, 240_000);

const fileAt = (files: readonly Delivered[], path: string): Delivered => {
  const f = files.find((x) => x.path === path);
  if (!f) throw new Error(`no file ${path} in ${files.map((x) => x.path).join(", ")}`);
  return f;
};
const certAt = (files: readonly Delivered[], path: string) => new X509Certificate(fileAt(files, path).content);
const sansOf = (c: X509Certificate): string[] =>
  (c.subjectAltName ?? "")
    .split(", ")
    .map((s) => s.replace(/^(DNS|IP Address):/, ""))
    .filter(Boolean);
const eku = (c: X509Certificate) => c.keyUsage ?? [];
const SERVER_AUTH = "1.3.6.1.5.5.7.3.1";
const CLIENT_AUTH = "1.3.6.1.5.5.7.3.2";

/** Workload name -> files, for the role's hosts on each target. */
function roleFiles(base: "local" | "dev", r: PlanReport) {
  const all = base === "local" ? dockerFiles(r) : podFiles(r);
  const get = (name: string) => all.get(name) ?? [];
  const p = r.plan;
  return {
    all,
    yugabyte: p.nodes.map((n) => ({ node: n, files: get(base === "local" ? n.name : `yb-${n.zone}`) })),
    kine: base === "local" ? p.kine.replicas.map((k) => get(k.name)) : [get("kine")],
    k3s: base === "local" ? p.k3s.servers.map((s) => get(s.name)) : [get("k3s")],
    bootstrap: get(base === "local" ? "yugabyte-bootstrap" : "yb-bootstrap"),
  };
}

describe.each(targets)("TLS on the $base stack", ({ base }) => {
  it("delivers one CA to every host, and every certificate chains to it (signature, issuer, not a CA itself, key matches)", () => {
    const r = reports[base];
    const { all } = roleFiles(base, r);
    const delivered = [...all.values()].flat().filter((f) => f.path.startsWith("/etc/yb-k3s/") || f.path.startsWith("/etc/kine/"));
    const cas = new Set(delivered.filter((f) => f.path.endsWith("/ca.crt")).map((f) => f.content));
    expect(cas.size).toBe(1);
    const ca = new X509Certificate([...cas][0]);
    expect(ca.ca).toBe(true);
    expect(ca.verify(ca.publicKey)).toBe(true);
    const leaves = delivered.filter((f) => f.path.endsWith(".crt") && !f.path.endsWith("/ca.crt"));
    expect(leaves.length).toBeGreaterThanOrEqual(r.plan.nodes.length + 3);
    for (const f of leaves) {
      const c = new X509Certificate(f.content);
      expect(c.verify(ca.publicKey), f.path).toBe(true);
      expect(c.checkIssued(ca), f.path).toBe(true);
      expect(c.ca, f.path).toBe(false);
      const key = delivered.find((k) => k.path === f.path.replace(/\.crt$/, ".key"));
      expect(key, `${f.path} has its key next to it`).toBeDefined();
      expect(c.checkPrivateKey(createPrivateKey(String(key?.content))), f.path).toBe(true);
      expect(new Date(c.validTo).getTime() - Date.now()).toBeGreaterThan(300 * 24 * 3600_000);
    }
  });

  it("gives every YugabyteDB node node.<advertise_address>.crt/.key covering its address, its name, every shared YSQL name and loopback", () => {
    const r = reports[base];
    const ysqlNames = base === "dev" ? [r.plan.yugabyte.ysqlHost, "yb-ysql.yb-k3s.svc", "yb-ysql"] : [r.plan.yugabyte.ysqlHost, "127.0.0.1"];
    for (const { node, files } of roleFiles(base, r).yugabyte) {
      const f = yugabyteNodeFiles(node.address);
      const cert = certAt(files, `${TLS_DIRS.yugabyte}/${f.cert}`);
      expect(fileAt(files, `${TLS_DIRS.yugabyte}/${f.key}`).mode).toBe("0600");
      fileAt(files, `${TLS_DIRS.yugabyte}/ca.crt`);
      const sans = sansOf(cert);
      for (const n of [node.address, node.name, ...ysqlNames, ...LOOPBACK]) expect(sans, `${node.name}: ${n}`).toContain(n);
      expect(cert.checkHost(node.address)).toBe(node.address);
      // Nodes are servers and, towards each other, clients.
      expect(eku(cert)).toEqual(expect.arrayContaining([SERVER_AUTH, CLIENT_AUTH]));
    }
  });

  it("serves Kine with a certificate for every address and endpoint host k3s dials, and loopback", () => {
    const r = reports[base];
    const names = [...r.plan.kine.replicas.map((k) => k.address), ...r.plan.kine.endpoints.map(endpointHost), ...LOOPBACK];
    for (const files of roleFiles(base, r).kine) {
      const cert = certAt(files, KINE_TLS_FILES.serverCertFile);
      for (const n of names) expect(sansOf(cert), n).toContain(n);
      expect(eku(cert)).toContain(SERVER_AUTH);
      expect(eku(certAt(files, KINE_TLS_FILES.dbCertFile))).toContain(CLIENT_AUTH);
      fileAt(files, KINE_TLS_FILES.trustedCaFile);
      for (const key of [KINE_TLS_FILES.serverKeyFile, KINE_TLS_FILES.dbKeyFile]) expect(fileAt(files, key).mode).toMatch(base === "dev" ? /^0440$/ : /^0600$/);
    }
    if (base === "dev") {
      const kine = r.recorded.find((x) => x.type === "kubernetes:apps/v1:Deployment") as { inputs: Obj };
      expect(kine.inputs.spec.template.spec.securityContext.fsGroup).toBe(65534);
    }
  });

  it("gives k3s and the bootstrap client certificates (clientAuth) and the CA", () => {
    const r = reports[base];
    const rf = roleFiles(base, r);
    for (const files of rf.k3s) {
      expect(eku(certAt(files, K3S_DATASTORE_TLS_FILES.certFile))).toContain(CLIENT_AUTH);
      expect(fileAt(files, K3S_DATASTORE_TLS_FILES.keyFile).mode).toBe("0600");
      fileAt(files, K3S_DATASTORE_TLS_FILES.caFile);
    }
    expect(eku(certAt(rf.bootstrap, BOOTSTRAP_TLS_FILES.certFile))).toContain(CLIENT_AUTH);
    expect(fileAt(rf.bootstrap, BOOTSTRAP_TLS_FILES.keyFile).mode).toBe("0600");
    fileAt(rf.bootstrap, BOOTSTRAP_TLS_FILES.caFile);
  });

  it("keeps every private key out of the plan JSON (resources' inputs, outputs): keys only travel as secrets", () => {
    const r = reports[base];
    const json = JSON.stringify({ resources: r.resources, outputs: r.outputs });
    expect(json).not.toMatch(/PRIVATE KEY/);
    // ...while certificates, which are public, are visible for review.
    expect(json).toMatch(/BEGIN CERTIFICATE/);
  });

  it("passes the mandatory tls-required policy (as staging and prod evaluate it)", () => {
    const r = reports[base];
    const resources = r.recorded.map((x) => ({ urn: x.urn, type: x.type, name: x.name, parent: x.parent, inputs: x.revealedInputs }));
    const ctx = { stack: r.stack, target: r.plan.target, enforcement: "mandatory" as const, tlsRequired: true, holdsRealData: false };
    expect(evaluatePolicies(resources, ctx).filter((v) => v.policy === "tls-required")).toEqual([]);
  });
});

describe("the flags reach every process", () => {
  const expectYugabytedTls = (args: readonly string[], where: string) => {
    expect(args, where).toContain("--secure");
    expect(args, where).toContain(`--certs_dir=${TLS_DIRS.yugabyte}`);
    const flag = (name: string) => parseYugabytedFlags(args.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3) ?? "");
    expect(flag("tserver_flags"), where).toMatchObject({
      use_node_to_node_encryption: "true",
      use_client_to_server_encryption: "true",
      allow_insecure_connections: "false",
      certs_dir: TLS_DIRS.yugabyte,
      ysql_enable_auth: "true",
      ysql_sequence_cache_minval: "1",
    });
    expect(flag("master_flags"), where).toMatchObject({ use_node_to_node_encryption: "true", allow_insecure_connections: "false", certs_dir: TLS_DIRS.yugabyte });
  };
  const k3sTlsFlags = [
    `--datastore-cafile=${K3S_DATASTORE_TLS_FILES.caFile}`,
    `--datastore-certfile=${K3S_DATASTORE_TLS_FILES.certFile}`,
    `--datastore-keyfile=${K3S_DATASTORE_TLS_FILES.keyFile}`,
  ];
  const expectBootstrapTls = (script: string) => {
    expect(script).toContain(`export PGSSLMODE='verify-full'`);
    expect(script).toContain(`export PGSSLROOTCERT='${BOOTSTRAP_TLS_FILES.caFile}'`);
    expect(script).toContain(`export PGSSLCERT='${BOOTSTRAP_TLS_FILES.certFile}'`);
    expect(script).toContain(`export PGSSLKEY='${BOOTSTRAP_TLS_FILES.keyFile}'`);
    const ybAdmin = script.split("\n").filter((l) => l.includes("/yb-admin "));
    expect(ybAdmin.length).toBeGreaterThanOrEqual(2);
    for (const l of ybAdmin) expect(l).toContain(`-certs_dir_name '${TLS_DIRS.bootstrap}'`);
  };

  it("docker: yugabyted --secure (superuser password from a 0600 file), Kine mTLS over verify-full, k3s over https with a client certificate", () => {
    const r = reports.local;
    const containers = r.recorded.filter((x) => x.type === "docker:index/container:Container") as unknown as { name: string; inputs: Obj }[];
    for (const n of r.plan.nodes) {
      const c = containers.find((x) => x.name === n.name) as { inputs: Obj };
      const [yb] = processesInArgv(c.inputs.command, undefined, {});
      expect(yb.kind).toBe("yb-start");
      expectYugabytedTls(yb.args, n.name);
      expect(c.inputs.command[2]).toContain(". '/etc/yb-k3s/yugabyted.env'");
      expect(c.inputs.env ?? []).toEqual([]);
    }
    for (const k of r.plan.kine.replicas) {
      const cmd = (containers.find((x) => x.name === k.name) as { inputs: Obj }).inputs.command as string[];
      expect(cmd).toEqual(expect.arrayContaining([...KINE_TLS_FLAGS]));
      expect(cmd.find((a) => a.startsWith("--endpoint="))).toMatch(/sslmode=verify-full/);
      // The image runs as `nobody`: every file Kine reads is owned by its uid.
      const uploads = (containers.find((x) => x.name === k.name) as { inputs: Obj }).inputs.uploads as { file: string; owner?: string }[];
      expect(uploads.length).toBeGreaterThan(1);
      for (const u of uploads) expect(u).toMatchObject({ owner: String(KINE_IMAGE_UID) });
    }
    for (const s of r.plan.k3s.servers) {
      const cmd = (containers.find((x) => x.name === s.name) as { inputs: Obj }).inputs.command as string[];
      expect(cmd).toEqual(expect.arrayContaining(k3sTlsFlags));
      const endpoints = (cmd.find((a) => a.startsWith("--datastore-endpoint=")) as string).slice("--datastore-endpoint=".length).split(",");
      for (const e of endpoints) expect(e).toMatch(/^https:\/\//);
    }
    expectBootstrapTls((containers.find((x) => x.name === "yugabyte-bootstrap") as { inputs: Obj }).inputs.command[2]);
  });

  it("kubernetes: every launcher arm runs --secure with YSQL_PASSWORD from the Secret; Kine and k3s templates carry the TLS flags", () => {
    const r = reports.dev;
    const objs = r.recorded as unknown as { type: string; inputs: Obj }[];
    const sts = objs.filter((x) => x.type === "kubernetes:apps/v1:StatefulSet");
    for (const s of sts.filter((x) => x.inputs.metadata.name.startsWith("yb-"))) {
      const c = s.inputs.spec.template.spec.containers[0];
      for (const [pod, argv] of launcherArms(c.command[2])) expectYugabytedTls(argv.slice(1), pod);
      expect(c.env).toContainEqual({ name: "YSQL_PASSWORD", valueFrom: { secretKeyRef: { name: "yb-bootstrap", key: "YSQL_ADMIN_PASSWORD" } } });
    }
    const kine = objs.find((x) => x.type === "kubernetes:apps/v1:Deployment") as { inputs: Obj };
    expect(kine.inputs.spec.template.spec.containers[0].args).toEqual(expect.arrayContaining([...KINE_TLS_FLAGS]));
    const k3s = sts.find((x) => x.inputs.metadata.name === "k3s") as { inputs: Obj };
    const args = k3s.inputs.spec.template.spec.containers[0].args as string[];
    expect(args).toEqual(expect.arrayContaining([...k3sTlsFlags, `--datastore-endpoint=${r.plan.kine.endpoints.join(",")}`]));
    expect(r.plan.kine.endpoints.every((e) => e.startsWith("https://"))).toBe(true);
    const job = objs.find((x) => x.type === "kubernetes:batch/v1:Job" && x.inputs.metadata.name === "yb-bootstrap") as { inputs: Obj };
    expectBootstrapTls(job.inputs.spec.template.spec.containers[0].command[2]);
    // The Secret the database pods read YSQL_PASSWORD from exists before them.
    const ybSts = r.recorded.filter((x) => x.type === "kubernetes:apps/v1:StatefulSet" && (x.inputs as Obj).metadata.name.startsWith("yb-"));
    const secret = r.recorded.find((x) => x.type === "kubernetes:core/v1:Secret" && (x.inputs as Obj).metadata.name === "yb-bootstrap");
    for (const s of ybSts) expect(s.dependsOn).toContain(secret?.urn);
  });
});

describe("TLS off (the shipped local stack)", () => {
  it("fails the tls-required policy where a stack requires TLS: the policy really looks", async () => {
    const r = await planStack(readStackFile(stackFilePath("local"), "local"));
    expect(r.plan.pki).toBeUndefined();
    const resources = r.recorded.map((x) => ({ urn: x.urn, type: x.type, name: x.name, parent: x.parent, inputs: x.revealedInputs }));
    const ctx = { stack: r.stack, target: r.plan.target, enforcement: "mandatory" as const, tlsRequired: true, holdsRealData: false };
    const found = evaluatePolicies(resources, ctx).filter((v) => v.policy === "tls-required");
    expect(found.length).toBeGreaterThanOrEqual(r.plan.nodes.length + r.plan.kine.replicas.length + r.plan.k3s.servers.length);
    expect(r.recorded.some((x) => x.type.startsWith("tls:") && x.parent?.includes("yb-k3s:tls:Pki"))).toBe(false);
  }, 120_000);
});
