/** verify's Kubernetes checks (pure parts), its kubeconfig reader, command line and outputs. */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { Deployment } from "kubernetes-models/apps/v1/Deployment";
import { Namespace } from "kubernetes-models/v1/Namespace";
import { Service } from "kubernetes-models/v1/Service";
import { parseVerifyArgs, VerifyUsageError } from "../../lib/verify/cli";
import { parseKubeconfig } from "../../lib/verify/kubeconfig";
import { deploymentReady, evaluateNodes, evaluateReadyz, readyEndpoints, sampleWorkload, SAMPLE_WORKLOAD_IMAGE, VERIFY_LABEL } from "../../lib/verify/kubernetes";
import { parseOutputs, resolveTargets } from "../../lib/verify/outputs";
import { formatResult, summarize, verifyExitCode, ok, fail, skip } from "../../lib/verify/result";
import { forwardDsn, nodeExpectationOf } from "../../lib/verify/run";
import { renderKubeconfig } from "../../planner/kubeconfig";
import { devConfig, localConfig, planOf } from "../support/topologies";

describe("readyz and nodes", () => {
  it("readyz: 200 with every check [+] passes; a [-] check fails, named", () => {
    expect(evaluateReadyz(200, "[+]ping ok\n[+]etcd ok\nreadyz check passed\n")).toMatchObject({ status: "ok", detail: "API server ready (2 checks passed)" });
    expect(evaluateReadyz(500, "[+]ping ok\n[-]etcd failed: reason withheld\n[-]etcd-readiness failed: reason withheld\nreadyz check failed\n")).toMatchObject({
      status: "fail",
      detail: "HTTP 500; failing: etcd failed: reason withheld, etcd-readiness failed: reason withheld",
    });
  });
  const node = (name: string, ready: string, cp = false) => ({
    metadata: { name, labels: (cp ? { "node-role.kubernetes.io/control-plane": "true" } : {}) as Record<string, string> },
    status: { conditions: [{ type: "Ready", status: ready, reason: ready === "True" ? "KubeletReady" : "NodeStatusUnknown" }] },
  });
  it("nodes: every node Ready, and as many control-plane nodes as the plan has k3s servers", () => {
    expect(evaluateNodes([node("k3s-0", "True", true), node("k3s-1", "True", true)], { controlPlaneNodes: 2 })).toMatchObject({ status: "ok", detail: "2/2 Ready, 2 control-plane: k3s-0, k3s-1" });
    expect(evaluateNodes([node("k3s-0", "True", true), node("k3s-1", "Unknown", true)], { controlPlaneNodes: 2 }).detail).toBe("1/2 Ready, 2 control-plane; k3s-1 not Ready (Unknown, NodeStatusUnknown)");
    expect(evaluateNodes([node("k3s-0", "True", true)], { controlPlaneNodes: 2 }).detail).toMatch(/1 control-plane node\(s\), the plan has 2 k3s server\(s\)/);
    expect(evaluateNodes([]).status).toBe("fail");
  });
  it("the plan's expectation: k3s servers are nodes unless --disable-agent", () => {
    expect(nodeExpectationOf(planOf(devConfig()))).toEqual({ controlPlaneNodes: 2 });
    expect(nodeExpectationOf(planOf({ ...localConfig(), k3s: { servers: 1, extraArgs: ["--disable-agent"] } }))).toEqual({});
    expect(nodeExpectationOf(undefined)).toEqual({});
  });
});

describe("the sample workload", () => {
  const w = sampleWorkload("yb-k3s-verify-0123abcd");
  it("is valid against the Kubernetes OpenAPI schemas and carries verify's label everywhere", () => {
    const check = (Model: new (data: never) => object, o: object) => (new Model(o as never) as unknown as { validate(): void }).validate();
    check(Namespace, w.namespace);
    check(Deployment, w.deployment);
    check(Service, w.service);
    for (const o of [w.namespace, w.deployment, w.service]) expect((o as { metadata: { labels: Record<string, string> } }).metadata.labels[VERIFY_LABEL.key]).toBe(VERIFY_LABEL.value);
  });
  it("runs under the restricted pod security standard, with a pinned image", () => {
    const pod = (w.deployment as { spec: { template: { spec: { securityContext: Record<string, unknown>; containers: { image: string; securityContext: Record<string, unknown> }[] } } } }).spec.template.spec;
    expect(pod.securityContext).toMatchObject({ runAsNonRoot: true, seccompProfile: { type: "RuntimeDefault" } });
    expect(pod.containers[0].securityContext).toMatchObject({ allowPrivilegeEscalation: false, capabilities: { drop: ["ALL"] } });
    expect(pod.containers[0].image).toBe(SAMPLE_WORKLOAD_IMAGE);
    expect(SAMPLE_WORKLOAD_IMAGE).toMatch(/:[0-9][^:]*$/);
  });
  it("Ready only when the controller observed the generation and every replica is available", () => {
    expect(deploymentReady({ metadata: { generation: 1 }, spec: { replicas: 2 }, status: { observedGeneration: 1, updatedReplicas: 2, availableReplicas: 2 } })).toBe(true);
    expect(deploymentReady({ metadata: { generation: 2 }, spec: { replicas: 2 }, status: { observedGeneration: 1, updatedReplicas: 2, availableReplicas: 2 } })).toBe(false);
    expect(deploymentReady({ metadata: { generation: 1 }, spec: { replicas: 2 }, status: { observedGeneration: 1, updatedReplicas: 2, availableReplicas: 1 } })).toBe(false);
    expect(readyEndpoints({ items: [{ endpoints: [{ conditions: { ready: true } }, { conditions: { ready: false } }] }, { endpoints: [{ conditions: { ready: true } }] }] })).toBe(2);
  });
});

describe("kubeconfig", () => {
  const pem = (s: string) => `-----BEGIN CERTIFICATE-----\n${Buffer.from(s).toString("base64")}\n-----END CERTIFICATE-----\n`;
  it("reads the program's own kubeconfig output (embedded data)", () => {
    const text = renderKubeconfig({ name: "yb-k3s-local", server: "https://127.0.0.1:6443", caCertPem: pem("ca"), clientCertPem: pem("cert"), clientKeyPem: "KEY" });
    const k = parseKubeconfig(text, "/nowhere");
    expect(k).toMatchObject({ context: "yb-k3s-local", server: "https://127.0.0.1:6443", insecureSkipTlsVerify: false });
    expect(k.ca?.toString()).toBe(pem("ca"));
    expect(k.key?.toString()).toBe("KEY");
  });
  it("resolves file references relative to the kubeconfig, picks a named context, refuses exec plugins", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "verify-kc-"));
    fs.writeFileSync(path.join(dir, "ca.crt"), "CA");
    const doc = {
      clusters: [{ name: "c", cluster: { server: "https://h:6443/", "certificate-authority": "ca.crt" } }],
      users: [{ name: "u", user: { token: "t0k" } }, { name: "e", user: { exec: { command: "aws" } } }],
      contexts: [{ name: "a", context: { cluster: "c", user: "u" } }, { name: "b", context: { cluster: "c", user: "e" } }],
      "current-context": "b",
    };
    const k = parseKubeconfig(JSON.stringify(doc), dir, "a");
    expect(k).toMatchObject({ server: "https://h:6443", token: "t0k" });
    expect(k.ca?.toString()).toBe("CA");
    expect(() => parseKubeconfig(JSON.stringify(doc), dir)).toThrow(/exec\/auth-provider plugin/);
    expect(() => parseKubeconfig(JSON.stringify(doc), dir, "nope")).toThrow(/no context named 'nope'/);
  });
});

describe("command line, outputs, report", () => {
  it("parses flags, repeatable and comma-separated Kine endpoints, and refuses contradictions", () => {
    const a = parseVerifyArgs(["--stack", "local", "--kine-endpoint", "http://a:2379,http://b:2379", "--kine-endpoint=http://c:2379", "--no-workload", "--timeout", "30", "--strict"]);
    expect(a).toMatchObject({ stack: "local", kineEndpoints: ["http://a:2379", "http://b:2379", "http://c:2379"], workload: false, timeoutSeconds: 30, strict: true });
    for (const bad of [[], ["--stack", "a", "--config", "b"], ["--stack"], ["--bogus"], ["--dsn", "x", "--yb-admin", "/y"], ["--dsn", "x", "--etcd-cert", "c"], ["--stack", "a b"]])
      expect(() => parseVerifyArgs(bad), bad.join(" ")).toThrow(VerifyUsageError);
  });
  it("takes the endpoints from the outputs, overrides winning; secrets Pulumi did not show are absent", () => {
    const o = parseOutputs(JSON.stringify({ kubeconfig: "apiVersion: v1", ysqlConnectionString: "[secret]", kineEndpoint: "http://kine-0:2379,http://kine-1:2379", topology: {} }), "outputs");
    expect(resolveTargets(o, {})).toMatchObject({ kubeconfig: { text: "apiVersion: v1" }, dsn: undefined, kineEndpoints: ["http://kine-0:2379", "http://kine-1:2379"], sources: { kine: "stack output kineEndpoint" } });
    expect(resolveTargets(o, { dsn: "postgres://x@h/db", kineEndpoints: ["http://127.0.0.1:1"], kubeconfigFile: "/k" })).toMatchObject({
      kubeconfig: { file: "/k" },
      dsn: "postgres://x@h/db",
      kineEndpoints: ["http://127.0.0.1:1"],
      sources: { kubeconfig: "--kubeconfig", dsn: "--dsn", kine: "--kine-endpoint" },
    });
    expect(() => parseOutputs("not json", "f.json")).toThrow(/^f\.json: not JSON/);
    expect(() => parseOutputs(JSON.stringify({ kubeconfig: 5 }), "f.json")).toThrow(/kubeconfig/);
  });
  it("prints one line per check and exits non-zero on a failure (or a skip with --strict)", () => {
    const rs = [ok("readyz", "API server ready"), fail("schema.index/kine_name_index", "missing\nsecond line"), skip("kine", "unreachable")];
    expect(rs.map(formatResult)).toEqual(["ok readyz: API server ready", "FAIL schema.index/kine_name_index: missing | second line", "skip kine: unreachable"]);
    expect(summarize(rs)).toBe("1 ok, 1 FAIL, 1 skip");
    expect(verifyExitCode(rs)).toBe(1);
    expect(verifyExitCode([rs[0], rs[2]])).toBe(0);
    expect(verifyExitCode([rs[0], rs[2]], true)).toBe(1);
  });
});

describe("forwards (kubernetes target)", () => {
  it("points the DSN at the forward and keeps the CA check where the host name can no longer match", () => {
    expect(forwardDsn("postgresql://kine:pw@yb-ysql.yb-k3s.svc.cluster.local:5433/kine?sslmode=disable", { host: "127.0.0.1", port: 40001 })).toBe(
      "postgresql://kine:pw@127.0.0.1:40001/kine?sslmode=disable",
    );
    expect(forwardDsn("postgresql://kine:pw@yb-ysql.yb-k3s.svc.cluster.local:5433/kine?sslmode=verify-full", { host: "127.0.0.1", port: 40001 })).toMatch(/sslmode=verify-ca$/);
  });
});
