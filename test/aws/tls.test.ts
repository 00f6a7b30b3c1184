/**
 * Issue 8 on the aws target: staging and prod run with `tls.enabled: true`. The mocks issue REAL certificates, so what
 * each EC2 host would write is reconstructed end to end — the `put_pem PARAMETER PATH MODE OWNER` lines of its
 * pre-start scripts, resolved against the SSM parameters registered in the script's own `SSM_REGION` — and then checked
 * with node:crypto: one CA, every leaf chains to it, every key matches, every name and address used on aws is a SAN.
 */
import { X509Certificate, createPrivateKey } from "node:crypto";
import { beforeAll, describe, expect, it } from "vitest";
import type { PlanReport } from "../../lib/plan";
import { ssmParameters } from "../../planner/awsUserData";
import { endpointHost, BOOTSTRAP_TLS_FILES, K3S_DATASTORE_TLS_FILES, KINE_TLS_FILES, LOOPBACK, TLS_DIRS, yugabyteNodeFiles } from "../../planner/tls";
import { parseYugabytedFlags } from "../../planner/flags";
import { assertTools, ofType, planShipped, T, userDataOf, writtenFiles, type Res } from "./support";
import { KINE_TLS_FLAGS } from "../tls/support";

const STACKS = ["staging", "prod"] as const;
const reports: Record<string, PlanReport> = {};
beforeAll(async () => {
  assertTools();
  for (const s of STACKS) reports[s] = await planShipped(s);
}, 240_000);

type Obj = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

interface HostFile {
  readonly parameter: string;
  readonly region: string;
  readonly path: string;
  readonly mode: string;
  readonly owner: string;
  /** The PEM the host would write (the parameter's revealed value, base64-decoded). */
  readonly content: string;
  readonly type: string;
}

const providerRegion = (r: PlanReport, res: Res): string => {
  const urn = (res as { provider?: string }).provider?.split("::").slice(0, -1).join("::");
  const p = ofType(r, T.provider).find((x) => x.urn === urn);
  return String(p?.inputs.region);
};

/** Parameter (name, region) -> resource. */
const paramIndex = (r: PlanReport) => new Map(ofType(r, T.param).map((p) => [`${providerRegion(r, p)}|${String(p.inputs.name)}`, p]));

/** The files an instance's scripts write from SSM (TLS and k3s PKI alike), resolved to their contents. */
function hostFiles(r: PlanReport, instance: Res): HostFile[] {
  const params = paramIndex(r);
  const out: HostFile[] = [];
  for (const f of writtenFiles(userDataOf(instance))) {
    const region = /^SSM_REGION='([^']+)'$/m.exec(f.content)?.[1];
    for (const m of f.content.matchAll(/^put_pem '([^']+)' '([^']+)' (0[0-7]{3})(?: '([^']+)')?$/gm)) {
      if (!region) throw new Error(`${instance.name}:${f.path} writes files from SSM without SSM_REGION`);
      const p = params.get(`${region}|${m[1]}`);
      if (!p) throw new Error(`${instance.name}:${f.path}: no parameter ${m[1]} in ${region}`);
      const content = Buffer.from(String(p.revealedInputs.value), "base64").toString("utf8");
      out.push({ parameter: m[1], region, path: m[2], mode: m[3], owner: m[4] ?? "root", content, type: String(p.inputs.type) });
    }
  }
  return out;
}

const instance = (r: PlanReport, name: string): Res => {
  const i = ofType(r, T.instance).find((x) => x.name === name);
  if (!i) throw new Error(`no instance ${name}`);
  return i;
};
const file = (files: readonly HostFile[], path: string): HostFile => {
  const f = files.find((x) => x.path === path);
  if (!f) throw new Error(`no ${path} in ${files.map((x) => x.path).join(", ")}`);
  return f;
};
const tlsFiles = (files: readonly HostFile[]) => files.filter((f) => f.path.startsWith("/etc/yb-k3s/") || f.path.startsWith("/etc/kine/"));
const sansOf = (c: X509Certificate): string[] =>
  (c.subjectAltName ?? "")
    .split(", ")
    .map((s) => s.replace(/^(DNS|IP Address):/, ""))
    .filter(Boolean);
/** A name or address the certificate is valid for, as a TLS client checks it. */
const covers = (c: X509Certificate, name: string): boolean => (/^[0-9.]+$/.test(name) ? c.checkIP(name) === name : c.checkHost(name) === name);
const scriptOf = (i: Res, path: string): string => writtenFiles(userDataOf(i)).find((f) => f.path === path)?.content ?? "";
const execStart = (unit: string): string => unit.split("\n").find((l) => l.startsWith("ExecStart=")) ?? "";
/** The quoted words of a systemd ExecStart line (our renderer quotes every argument). */
const execArgs = (unit: string): string[] => [...execStart(unit).matchAll(/"((?:[^"\\]|\\.)*)"/g)].map((m) => m[1]);

describe.each(STACKS)("TLS on aws: %s", (stack) => {
  const r = () => reports[stack];
  const hosts = () => {
    const p = r().plan;
    return {
      nodes: p.nodes.map((n) => ({ plan: n, files: hostFiles(r(), instance(r(), n.name)) })),
      kine: p.kine.replicas.map((k) => ({ plan: k, files: hostFiles(r(), instance(r(), k.name)) })),
      k3s: p.k3s.servers.map((s) => ({ plan: s, files: hostFiles(r(), instance(r(), s.name)) })),
    };
  };

  it("has TLS on, and the plan reports no policy findings (tls-required is mandatory)", () => {
    expect(r().plan.tls).toBe(true);
    expect(r().policies).toEqual([]);
  });

  it("delivers every planned file of every host from SSM, at the planner's path and mode, owned by the service user", () => {
    const h = hosts();
    const pki = r().plan.pki as NonNullable<PlanReport["plan"]["pki"]>;
    const check = (host: string, files: readonly HostFile[], owner: string) => {
      const planned = pki.hosts.find((x) => x.host === host)?.files ?? [];
      expect(planned.length, host).toBeGreaterThan(0);
      for (const pf of planned) {
        const f = file(files, pf.path);
        expect(f.mode, pf.path).toBe(pf.mode);
        expect(f.owner, pf.path).toBe(owner);
        expect(f.type, pf.path).toBe(pf.source.kind === "key" ? "SecureString" : "String");
      }
    };
    for (const n of h.nodes) check(n.plan.name, n.files, "yugabyte");
    check("bootstrap", h.nodes[0].files, "root");
    for (const k of h.kine) check(k.plan.name, k.files, "kine");
    for (const s of h.k3s) check(s.plan.name, s.files, "root");
    // The bootstrap's client key exists on node 0 only.
    for (const n of h.nodes.slice(1)) expect(n.files.some((f) => f.path.startsWith(TLS_DIRS.bootstrap)), n.plan.name).toBe(false);
  });

  it("reads each host's files in its own SSM region: database nodes the stack's region, Kine and k3s their control-plane region", () => {
    const h = hosts();
    for (const n of h.nodes) for (const f of tlsFiles(n.files)) expect(f.region, f.parameter).toBe(r().plan.primaryRegion);
    for (const x of [...h.kine, ...h.k3s]) for (const f of tlsFiles(x.files)) expect(f.region, `${x.plan.name} ${f.parameter}`).toBe(x.plan.region);
  });

  it("delivers one CA, and every certificate chains to it with its key next to it", () => {
    const h = hosts();
    const all = [...h.nodes, ...h.kine, ...h.k3s].flatMap((x) => tlsFiles(x.files));
    const cas = new Set(all.filter((f) => f.path.endsWith("/ca.crt")).map((f) => f.content));
    expect(cas.size).toBe(1);
    const ca = new X509Certificate([...cas][0]);
    expect(ca.ca).toBe(true);
    const leaves = all.filter((f) => f.path.endsWith(".crt") && !f.path.endsWith("/ca.crt"));
    expect(leaves.length).toBe(r().plan.nodes.length + 1 + 2 * r().plan.kine.replicas.length + r().plan.k3s.servers.length);
    for (const f of leaves) {
      const c = new X509Certificate(f.content);
      expect(c.checkIssued(ca), f.parameter).toBe(true);
      expect(c.verify(ca.publicKey), f.parameter).toBe(true);
      expect(c.ca, f.parameter).toBe(false);
      const key = all.find((k) => k.path === f.path.replace(/\.crt$/, ".key") && k.parameter.startsWith(f.parameter.replace(/[^/]+$/, "")));
      expect(key, `${f.parameter} has its key`).toBeDefined();
      expect(c.checkPrivateKey(createPrivateKey(String(key?.content))), f.parameter).toBe(true);
    }
  });

  it("gives every node a certificate for every address and name used to reach it on aws", () => {
    const p = r().plan;
    const h = hosts();
    // Kine's DSN host in each control-plane region (the YSQL NLB names), from the registered DSN parameters.
    const dsnHosts = ofType(r(), T.param)
      .filter((x) => x.inputs.name === ssmParameters(p).kineDsn)
      .map((x) => new URL(String(x.revealedInputs.value)).hostname);
    expect(dsnHosts.length).toBe(p.controlPlaneRegions.length);
    const ysqlNames = Object.values(p.endpointNames ?? {}).map((e) => e.ysql);
    for (const n of h.nodes) {
      const c = new X509Certificate(file(n.files, `${TLS_DIRS.yugabyte}/${yugabyteNodeFiles(n.plan.address).cert}`).content);
      // Its private IP (advertise address, --join, master addresses, the bootstrap's YSQL host on node 0), its name,
      // every region's YSQL NLB name (an NLB may forward to any node of its region), loopback.
      for (const name of [n.plan.address, n.plan.name, ...ysqlNames, ...dsnHosts, ...LOOPBACK]) expect(covers(c, name), `${n.plan.name}: ${name}`).toBe(true);
      expect(sansOf(c)).toContain(n.plan.address);
    }
    for (const m of p.yugabyte.masterAddresses) {
      const [ip] = m.split(":");
      const n = h.nodes.find((x) => x.plan.address === ip);
      expect(n, m).toBeDefined();
    }
    const bootstrap = scriptOf(instance(r(), p.nodes[0].name), "/usr/local/lib/yb-k3s/bootstrap.sh");
    expect(bootstrap).toContain(`YSQL_HOST='${p.nodes[0].address}'`);
  });

  it("serves Kine with a certificate for every Kine name k3s dials and every replica address", () => {
    const p = r().plan;
    const h = hosts();
    const dialled = h.k3s.map((s) => endpointHost(String(execArgs(scriptOf(instance(r(), s.plan.name), "/etc/systemd/system/k3s.service")).find((a) => a.startsWith("--datastore-endpoint="))?.slice(21))));
    expect(new Set(dialled).size).toBe(p.controlPlaneRegions.length);
    for (const k of h.kine) {
      const c = new X509Certificate(file(k.files, KINE_TLS_FILES.serverCertFile).content);
      for (const name of [...dialled, ...p.kine.replicas.map((x) => x.address), ...Object.values(p.endpointNames ?? {}).map((e) => e.kine), ...LOOPBACK])
        expect(covers(c, name), `${k.plan.name}: ${name}`).toBe(true);
    }
  });

  it("keeps private keys out of user data and of the plan's resolved inputs and outputs", () => {
    const h = hosts();
    const keys = [...h.nodes, ...h.kine, ...h.k3s].flatMap((x) => x.files).filter((f) => f.path.endsWith(".key"));
    expect(keys.length).toBeGreaterThan(0);
    const json = JSON.stringify({ resources: r().resources, outputs: r().outputs });
    expect(json).not.toMatch(/PRIVATE KEY/);
    // Base64 of "-----BEGIN": no encoded PEM in plain view either.
    expect(json).not.toContain("LS0tLS1CRUdJTi");
    for (const i of ofType(r(), T.instance)) {
      const ud = userDataOf(i);
      expect(ud, i.name).not.toMatch(/PRIVATE KEY|LS0tLS1CRUdJTi|BEGIN CERTIFICATE/);
      for (const k of keys) expect(ud.includes(k.content.split("\n")[1]), `${i.name} carries ${k.parameter}`).toBe(false);
    }
    for (const p of ofType(r(), T.param).filter((x) => String(x.inputs.name).endsWith(".key"))) expect(p.inputs.type, String(p.inputs.name)).toBe("SecureString");
  });

  it("fits every TLS value in a Standard-tier parameter (4 KB)", () => {
    for (const p of ofType(r(), T.param).filter((x) => /\/(tls|datastore-tls)\//.test(String(x.inputs.name))))
      expect(String(p.revealedInputs.value).length, String(p.inputs.name)).toBeLessThanOrEqual(4096);
  });

  it("starts yugabyted --secure with its certs_dir and YSQL_PASSWORD from a root-only file written before start", () => {
    const p = r().plan;
    for (const n of p.nodes) {
      const i = instance(r(), n.name);
      const unit = scriptOf(i, "/etc/systemd/system/yugabyted.service");
      const args = execArgs(unit);
      expect(args).toContain("--secure");
      expect(args).toContain(`--certs_dir=${TLS_DIRS.yugabyte}`);
      const flags = (name: string) => parseYugabytedFlags(args.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3) ?? "");
      expect(flags("tserver_flags")).toMatchObject({ use_client_to_server_encryption: "true", use_node_to_node_encryption: "true", allow_insecure_connections: "false", ysql_sequence_cache_minval: "1" });
      expect(flags("master_flags")).toMatchObject({ use_node_to_node_encryption: "true", allow_insecure_connections: "false" });
      expect(unit).toContain("EnvironmentFile=-/etc/yb-k3s/yugabyted.env");
      expect(unit).toContain("ExecStartPre=+/usr/local/sbin/yb-k3s-yugabyte-prepare");
      expect(unit).not.toMatch(/YSQL_PASSWORD=/);
      const prepare = scriptOf(i, "/usr/local/sbin/yb-k3s-yugabyte-prepare");
      expect(prepare).toContain(`ssm_get '${ssmParameters(p).adminPassword}'`);
      expect(prepare).toContain("printf 'YSQL_PASSWORD=%s\\n'");
      expect(prepare).toMatch(/umask 077/);
    }
  });

  it("runs the bootstrap with verify-full, its client certificate and yb-admin -certs_dir_name, its files fetched first", () => {
    const i = instance(r(), r().plan.nodes[0].name);
    const script = scriptOf(i, "/usr/local/lib/yb-k3s/bootstrap.sh");
    expect(script).toContain("export PGSSLMODE='verify-full'");
    expect(script).toContain(`export PGSSLROOTCERT='${BOOTSTRAP_TLS_FILES.caFile}'`);
    expect(script).toContain(`export PGSSLCERT='${BOOTSTRAP_TLS_FILES.certFile}'`);
    expect(script).toContain(`export PGSSLKEY='${BOOTSTRAP_TLS_FILES.keyFile}'`);
    expect(script).toContain(`-certs_dir_name '${TLS_DIRS.bootstrap}'`);
    const wrapper = scriptOf(i, "/usr/local/sbin/yb-k3s-bootstrap");
    expect(wrapper.indexOf(`'${BOOTSTRAP_TLS_FILES.keyFile}'`)).toBeGreaterThan(0);
    expect(wrapper.indexOf(`'${BOOTSTRAP_TLS_FILES.keyFile}'`)).toBeLessThan(wrapper.indexOf("exec /bin/bash"));
  });

  it("serves Kine over mutual TLS and connects to YSQL with verify-full and a client certificate", () => {
    const p = r().plan;
    for (const k of p.kine.replicas) {
      const i = instance(r(), k.name);
      const args = execArgs(scriptOf(i, "/etc/systemd/system/kine.service"));
      for (const a of KINE_TLS_FLAGS) expect(args, k.name).toContain(a);
      expect(k.database.sslmode).toBe("verify-full");
      const prepare = scriptOf(i, "/usr/local/sbin/yb-k3s-kine-prepare");
      expect(prepare).toContain(`PGSSLCERT='${KINE_TLS_FILES.dbCertFile}'`);
      // Files first, then the schema check that needs them.
      expect(prepare.indexOf(`'${KINE_TLS_FILES.dbKeyFile}' 0600`)).toBeLessThan(prepare.indexOf("psql -X"));
    }
    for (const d of ofType(r(), T.param).filter((x) => x.inputs.name === ssmParameters(p).kineDsn)) expect(String(d.revealedInputs.value)).toMatch(/\?sslmode=verify-full$/);
  });

  it("points every k3s server at https Kine with the datastore CA, client certificate and key", () => {
    for (const s of r().plan.k3s.servers) {
      const args = execArgs(scriptOf(instance(r(), s.name), "/etc/systemd/system/k3s.service"));
      expect(args.find((a) => a.startsWith("--datastore-endpoint="))).toMatch(/^--datastore-endpoint=https:\/\/kine\.[a-z0-9.-]+\.internal:2379$/);
      expect(args).toContain(`--datastore-cafile=${K3S_DATASTORE_TLS_FILES.caFile}`);
      expect(args).toContain(`--datastore-certfile=${K3S_DATASTORE_TLS_FILES.certFile}`);
      expect(args).toContain(`--datastore-keyfile=${K3S_DATASTORE_TLS_FILES.keyFile}`);
    }
  });

  it("keeps TCP health checks on the YSQL and Kine load balancers (TLS does not break them)", () => {
    const groups = ofType(r(), "aws:lb/targetGroup:TargetGroup").filter((t) => /-(ysql|etcd)(-[a-z0-9-]+)?-tg$/.test(t.name));
    expect(groups.length).toBe(2 * r().plan.controlPlaneRegions.length);
    for (const g of groups) expect((g.inputs.healthCheck as Obj).protocol, g.name).toBe("TCP");
  });

  it("lets each role read only its own TLS parameters (IAM), in the regions it reads from", () => {
    const p = r().plan;
    const policies = new Map(
      ofType(r(), T.rolePolicy)
        .filter((x) => x.name.endsWith("-parameters"))
        .map((x) => {
        const role = x.name.replace(/^control-plane-platform-/, "").replace(/-parameters$/, "");
        const doc = JSON.parse(String(x.inputs.policy)) as Obj;
        const read = (doc.Statement as Obj[]).find((s) => [s.Action].flat().includes("ssm:GetParameter")) as Obj;
        return [role, [read.Resource].flat() as string[]];
      }),
    );
    expect([...policies.keys()].sort()).toEqual(["k3s", "kine", "yugabyte"]);
    const glob = (pattern: string) => new RegExp(`^${pattern.replace(/[.+?^${}()|[\]\\]/g, "\\$&").replace(/\*/g, ".*")}$`);
    const canRead = (role: string, region: string, name: string) =>
      (policies.get(role) ?? []).some((pat) => glob(pat).test(`arn:aws:ssm:${region}:123456789012:parameter${name}`));
    const owner = (name: string) => {
      const s = ssmParameters(p);
      if (name.startsWith(`${s.yugabyte}/`)) return "yugabyte";
      if (name.startsWith(`${s.kine}/`)) return "kine";
      if (name.startsWith(`${s.k3s}/`)) return "k3s";
      throw new Error(`parameter outside every role's subtree: ${name}`);
    };
    const tlsParams = ofType(r(), T.param).filter((x) => /\/(tls|datastore-tls)\//.test(String(x.inputs.name)));
    expect(tlsParams.length).toBeGreaterThan(p.nodes.length * 3);
    for (const x of tlsParams) {
      const name = String(x.inputs.name);
      const region = providerRegion(r(), x);
      const role = owner(name);
      for (const other of ["yugabyte", "kine", "k3s"]) expect(canRead(other, region, name), `${other} reading ${name} in ${region}`).toBe(other === role);
    }
    // Node keys belong to the yugabyte role; the kine and k3s roles cannot read a node key or the bootstrap key.
    const nodeKey = `${ssmParameters(p).yugabyteTls}/${p.nodes[0].name}/${yugabyteNodeFiles(p.nodes[0].address).key}`;
    expect(canRead("kine", p.primaryRegion, nodeKey)).toBe(false);
    expect(canRead("k3s", p.primaryRegion, `${ssmParameters(p).yugabyteTls}/bootstrap/client.key`)).toBe(false);
  });
});
