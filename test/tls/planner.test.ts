/** planner/tls.ts on its own: names, IP SANs, file layout, and the plan switching every hop over when TLS is on. */
import { describe, expect, it } from "vitest";
import { buildPlan } from "../../planner/plan";
import { renderBootstrapScript } from "../../planner/bootstrap";
import { TLS_DIRS, hostFiles, planPki, splitSans } from "../../planner/tls";
import { parseTopology } from "../../config/load";

describe("planPki", () => {
  const pki = planPki({
    prefix: "yb-k3s-staging",
    nodes: [
      { name: "yb-us-east-1a-0", address: "10.0.0.10" },
      { name: "yb-us-east-1b-0", address: "10.0.16.10" },
    ],
    ysqlHosts: ["ysql.yb-k3s-staging.internal"],
    kineReplicas: [{ name: "kine-0", address: "10.0.0.100" }],
    kineEndpoints: ["https://kine.yb-k3s-staging.internal:2379"],
    kineExtraNames: [],
    k3sServers: [{ name: "k3s-0" }, { name: "k3s-1" }],
    kineDatabaseUser: "kine",
  });

  it("puts IP addresses in IP SANs and names in DNS SANs (fixed private IPs on aws)", () => {
    const node = pki.certificates.find((c) => c.id === "yb-us-east-1a-0");
    expect(node?.ipAddresses).toEqual(["10.0.0.10", "127.0.0.1"]);
    expect(node?.dnsNames).toEqual(["yb-us-east-1a-0", "ysql.yb-k3s-staging.internal", "localhost"]);
    const kine = pki.certificates.find((c) => c.id === "kine-server");
    expect(kine?.ipAddresses).toContain("10.0.0.100");
    expect(kine?.dnsNames).toContain("kine.yb-k3s-staging.internal");
    expect(splitSans(["::1", "a", "a", ""])).toEqual({ dnsNames: ["a"], ipAddresses: ["::1"] });
  });

  it("lays out yugabyted's certs_dir as ca.crt + node.<advertise_address>.crt/.key, keys 0600", () => {
    const h = hostFiles(pki, "yb-us-east-1b-0");
    expect(h.files.map((f) => [f.path, f.mode])).toEqual([
      [`${TLS_DIRS.yugabyte}/ca.crt`, "0644"],
      [`${TLS_DIRS.yugabyte}/node.10.0.16.10.crt`, "0644"],
      [`${TLS_DIRS.yugabyte}/node.10.0.16.10.key`, "0600"],
    ]);
    expect(pki.hosts.map((x) => x.host)).toEqual(["yb-us-east-1a-0", "yb-us-east-1b-0", "kine-0", "k3s-0", "k3s-1", "bootstrap"]);
    expect(() => hostFiles(pki, "nope")).toThrow(/no files planned/);
    for (const f of pki.hosts.flatMap((x) => x.files)) expect(f.mode).toBe(f.source.kind === "key" ? "0600" : "0644");
  });
});

describe("buildPlan with tls.enabled", () => {
  const topology = (tls: boolean) =>
    parseTopology({ target: "docker", regions: [{ name: "dc1", zones: ["a", "b", "c"] }], kine: { replicas: 2 }, tls: { enabled: tls } });

  it("switches every hop over, and TLS flags win over a stack's own flags", () => {
    // The validator refuses TLS gflags in a stack (test/support/mistakes.ts); the planner still lets TLS win over
    // flags that reach it another way (a topology built in code).
    const t = topology(true);
    const plan = buildPlan({ project: "yb-k3s", stack: "t", topology: { ...t, yugabyte: { ...t.yugabyte, tserverFlags: { use_client_to_server_encryption: false } } } });
    expect(plan.tls).toBe(true);
    expect(plan.yugabyte.tserverFlags.use_client_to_server_encryption).toBe("true");
    expect(plan.yugabyte.masterFlags.use_node_to_node_encryption).toBe("true");
    expect(plan.kine.endpoints.every((e) => e.startsWith("https://"))).toBe(true);
    expect(plan.kine.replicas.every((k) => k.database.sslmode === "verify-full")).toBe(true);
    expect(plan.pki?.hosts.filter((h) => h.role === "yugabyte")).toHaveLength(3);
    expect(renderBootstrapScript(plan)).toMatch(/-certs_dir_name/);
  });

  it("changes nothing when TLS is off", () => {
    const plan = buildPlan({ project: "yb-k3s", stack: "t", topology: topology(false) });
    expect(plan.pki).toBeUndefined();
    expect(plan.nodes[0].yugabytedArgs.join(" ")).not.toMatch(/--secure|certs_dir/);
    expect(plan.k3s.servers[0].args.join(" ")).not.toMatch(/datastore-cafile/);
    expect(renderBootstrapScript(plan)).not.toMatch(/PGSSLMODE|certs_dir_name/);
  });
});
