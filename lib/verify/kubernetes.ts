/**
 * verify's Kubernetes checks: the API answers /readyz, every node is Ready (and, with a plan, every k3s server is a
 * control-plane node), and a small sample workload deploys, becomes Ready and is removed — the seed walkthrough's
 * smoke test (it deployed a sample app by hand), made repeatable: its own throwaway namespace, bounded waits, always
 * cleaned up, stale namespaces of interrupted runs removed first. The evaluations are pure; `run*` do the I/O.
 */
import { randomBytes } from "node:crypto";
import type { KubeClient } from "./kubeClient";
import { fail, ok, type CheckResult } from "./result";

/** Pinned; any image works (it only has to start). `--workload-image` overrides it, e.g. for an air-gapped cluster. */
export const SAMPLE_WORKLOAD_IMAGE = "registry.k8s.io/pause:3.10";
export const SAMPLE_WORKLOAD_REPLICAS = 2;
/** Every object verify creates carries this label; namespaces with it are verify's own and may be removed. */
export const VERIFY_LABEL = { key: "app.kubernetes.io/managed-by", value: "yb-k3s-verify" } as const;
export const VERIFY_NAMESPACE_PREFIX = "yb-k3s-verify-";
/** A verify namespace older than this is left over from an interrupted run and is removed. */
export const STALE_NAMESPACE_MS = 60 * 60 * 1000;
const APP = "yb-k3s-verify-sample";

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

// ---------------------------------------------------------------------------------------------------------------
// /readyz

/** Evaluate `GET /readyz?verbose`: 200 and every sub-check `[+]`. */
export function evaluateReadyz(status: number, body: string): CheckResult {
  const failing = body.split("\n").filter((l) => l.startsWith("[-]")).map((l) => l.slice(3).trim());
  if (status === 200 && failing.length === 0) {
    const passed = body.split("\n").filter((l) => l.startsWith("[+]")).length;
    return ok("readyz", passed ? `API server ready (${passed} checks passed)` : "API server ready");
  }
  return fail("readyz", `HTTP ${status}${failing.length ? `; failing: ${failing.join(", ")}` : `: ${body.trim().slice(0, 200)}`}`);
}

export async function runReadyz(kube: KubeClient): Promise<CheckResult> {
  try {
    const r = await kube.request("GET", "/readyz?verbose", undefined, 10_000);
    return evaluateReadyz(r.status, r.text);
  } catch (e) {
    return fail("readyz", `${kube.server} does not answer: ${e instanceof Error ? e.message : String(e)}`);
  }
}

// ---------------------------------------------------------------------------------------------------------------
// nodes

export interface NodeLike {
  readonly metadata: { readonly name: string; readonly labels?: Readonly<Record<string, string>> };
  readonly status?: { readonly conditions?: readonly { readonly type: string; readonly status: string; readonly reason?: string; readonly message?: string }[] };
  readonly spec?: { readonly unschedulable?: boolean };
}

export interface NodeExpectation {
  /** k3s servers that run an agent register as nodes labelled control-plane: the plan's k3s server count. */
  readonly controlPlaneNodes?: number;
}

/** k3s labels its server nodes so (k3s-io/k3s pkg/agent: `node-role.kubernetes.io/control-plane=true`). */
export const CONTROL_PLANE_LABEL = "node-role.kubernetes.io/control-plane";

export function evaluateNodes(nodes: readonly NodeLike[], expect: NodeExpectation = {}): CheckResult {
  if (nodes.length === 0) return fail("nodes", "no nodes registered: nothing can run a pod");
  const notReady = nodes.filter((n) => !n.status?.conditions?.some((c) => c.type === "Ready" && c.status === "True"));
  const problems = notReady.map((n) => {
    const c = n.status?.conditions?.find((x) => x.type === "Ready");
    return `${n.metadata.name} not Ready (${c ? `${c.status}${c.reason ? `, ${c.reason}` : ""}` : "no Ready condition"})`;
  });
  const controlPlane = nodes.filter((n) => n.metadata.labels?.[CONTROL_PLANE_LABEL] === "true").length;
  if (expect.controlPlaneNodes !== undefined && controlPlane !== expect.controlPlaneNodes)
    problems.push(`${controlPlane} control-plane node(s), the plan has ${expect.controlPlaneNodes} k3s server(s)`);
  const summary = `${nodes.length - notReady.length}/${nodes.length} Ready${expect.controlPlaneNodes !== undefined ? `, ${controlPlane} control-plane` : ""}`;
  return problems.length ? fail("nodes", `${summary}; ${problems.join("; ")}`) : ok("nodes", `${summary}: ${nodes.map((n) => n.metadata.name).join(", ")}`);
}

export async function runNodes(kube: KubeClient, expect: NodeExpectation = {}): Promise<CheckResult> {
  try {
    const r = await kube.request<{ items?: NodeLike[] }>("GET", "/api/v1/nodes");
    if (r.status !== 200 || !r.json) return fail("nodes", `GET /api/v1/nodes: HTTP ${r.status} ${r.text.slice(0, 200)}`);
    return evaluateNodes(r.json.items ?? [], expect);
  } catch (e) {
    return fail("nodes", e instanceof Error ? e.message : String(e));
  }
}

// ---------------------------------------------------------------------------------------------------------------
// the sample workload

export interface SampleWorkload {
  readonly namespace: Record<string, unknown>;
  readonly deployment: Record<string, unknown>;
  readonly service: Record<string, unknown>;
}

export const newVerifyNamespaceName = (): string => `${VERIFY_NAMESPACE_PREFIX}${randomBytes(4).toString("hex")}`;

/** The objects: a namespace, a Deployment of `replicas` pods (restricted pod security) and a Service over them. */
export function sampleWorkload(namespace: string, image = SAMPLE_WORKLOAD_IMAGE, replicas = SAMPLE_WORKLOAD_REPLICAS): SampleWorkload {
  const labels = { [VERIFY_LABEL.key]: VERIFY_LABEL.value };
  const podLabels = { ...labels, "app.kubernetes.io/name": APP };
  return {
    namespace: { apiVersion: "v1", kind: "Namespace", metadata: { name: namespace, labels } },
    deployment: {
      apiVersion: "apps/v1",
      kind: "Deployment",
      metadata: { name: APP, namespace, labels },
      spec: {
        replicas,
        selector: { matchLabels: { "app.kubernetes.io/name": APP } },
        template: {
          metadata: { labels: podLabels },
          spec: {
            automountServiceAccountToken: false,
            terminationGracePeriodSeconds: 0,
            securityContext: { runAsNonRoot: true, runAsUser: 65535, runAsGroup: 65535, seccompProfile: { type: "RuntimeDefault" } },
            containers: [
              {
                name: "sample",
                image,
                ports: [{ name: "http", containerPort: 8080 }],
                resources: { requests: { cpu: "10m", memory: "16Mi" }, limits: { memory: "32Mi" } },
                securityContext: { allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ["ALL"] } },
              },
            ],
          },
        },
      },
    },
    service: {
      apiVersion: "v1",
      kind: "Service",
      metadata: { name: APP, namespace, labels },
      spec: { type: "ClusterIP", selector: { "app.kubernetes.io/name": APP }, ports: [{ name: "http", port: 80, targetPort: "http" }] },
    },
  };
}

interface DeploymentStatusLike {
  readonly metadata?: { readonly generation?: number };
  readonly spec?: { readonly replicas?: number };
  readonly status?: { readonly observedGeneration?: number; readonly availableReplicas?: number; readonly updatedReplicas?: number; readonly readyReplicas?: number };
}

/** Ready = the controller saw this generation and every replica is updated and available. */
export function deploymentReady(d: DeploymentStatusLike): boolean {
  const want = d.spec?.replicas ?? 1;
  const s = d.status ?? {};
  return (s.observedGeneration ?? 0) >= (d.metadata?.generation ?? 1) && (s.updatedReplicas ?? 0) === want && (s.availableReplicas ?? 0) === want;
}

interface EndpointSliceListLike {
  readonly items?: readonly { readonly endpoints?: readonly { readonly conditions?: { readonly ready?: boolean } }[] }[];
}
export const readyEndpoints = (l: EndpointSliceListLike): number =>
  (l.items ?? []).reduce((n, s) => n + (s.endpoints ?? []).filter((e) => e.conditions?.ready === true).length, 0);

export interface WorkloadOptions {
  readonly image?: string;
  readonly replicas?: number;
  /** Bound for Ready and for removal, each. */
  readonly timeoutMs?: number;
  readonly namespace?: string;
  readonly now?: () => number;
}

const describeError = (e: unknown) => (e instanceof Error ? e.message : String(e));

async function expectStatus(kube: KubeClient, method: "POST" | "DELETE", path: string, body: unknown, okStatuses: readonly number[]): Promise<void> {
  const r = await kube.request(method, path, body);
  if (!okStatuses.includes(r.status)) {
    const msg = (r.json as { message?: string } | undefined)?.message ?? r.text.slice(0, 300);
    throw new Error(`${method} ${path}: HTTP ${r.status} ${msg}`);
  }
}

/** Remove verify namespaces left over from interrupted runs (older than STALE_NAMESPACE_MS). Returns their names. */
export async function removeStaleNamespaces(kube: KubeClient, now = Date.now()): Promise<string[]> {
  const sel = encodeURIComponent(`${VERIFY_LABEL.key}=${VERIFY_LABEL.value}`);
  const r = await kube.request<{ items?: { metadata: { name: string; creationTimestamp?: string; deletionTimestamp?: string } }[] }>("GET", `/api/v1/namespaces?labelSelector=${sel}`);
  const stale = (r.json?.items ?? []).filter(
    (n) => n.metadata.name.startsWith(VERIFY_NAMESPACE_PREFIX) && !n.metadata.deletionTimestamp && now - Date.parse(n.metadata.creationTimestamp ?? "") > STALE_NAMESPACE_MS,
  );
  for (const n of stale) await kube.request("DELETE", `/api/v1/namespaces/${n.metadata.name}`);
  return stale.map((n) => n.metadata.name);
}

/** Three lines: workload.deploy, workload.ready, workload.removed. The namespace is deleted whatever happens. */
export async function runSampleWorkload(kube: KubeClient, o: WorkloadOptions = {}): Promise<CheckResult[]> {
  const now = o.now ?? Date.now;
  const timeoutMs = o.timeoutMs ?? 120_000;
  const ns = o.namespace ?? newVerifyNamespaceName();
  const w = sampleWorkload(ns, o.image, o.replicas);
  const replicas = o.replicas ?? SAMPLE_WORKLOAD_REPLICAS;
  const results: CheckResult[] = [];
  let created = false;
  try {
    try {
      const stale = await removeStaleNamespaces(kube, now());
      await expectStatus(kube, "POST", "/api/v1/namespaces", w.namespace, [201]);
      created = true;
      await expectStatus(kube, "POST", `/apis/apps/v1/namespaces/${ns}/deployments`, w.deployment, [201]);
      await expectStatus(kube, "POST", `/api/v1/namespaces/${ns}/services`, w.service, [201]);
      results.push(ok("workload.deploy", `namespace ${ns}: Deployment (${replicas} x ${o.image ?? SAMPLE_WORKLOAD_IMAGE}) and Service created${stale.length ? `; removed stale ${stale.join(", ")}` : ""}`));
    } catch (e) {
      results.push(fail("workload.deploy", describeError(e)));
      return results;
    }
    const started = now();
    let last = "no status yet";
    let ready = false;
    while (now() - started < timeoutMs) {
      try {
        const d = await kube.request<DeploymentStatusLike>("GET", `/apis/apps/v1/namespaces/${ns}/deployments/${APP}`);
        const sel = encodeURIComponent(`kubernetes.io/service-name=${APP}`);
        const slices = await kube.request<EndpointSliceListLike>("GET", `/apis/discovery.k8s.io/v1/namespaces/${ns}/endpointslices?labelSelector=${sel}`);
        const s = d.json?.status ?? {};
        const endpoints = readyEndpoints(slices.json ?? {});
        last = `${s.availableReplicas ?? 0}/${replicas} available, ${endpoints} ready endpoint(s)`;
        if (d.json && deploymentReady(d.json) && endpoints === replicas) {
          ready = true;
          break;
        }
      } catch (e) {
        last = describeError(e);
      }
      await sleep(500);
    }
    const secs = ((now() - started) / 1000).toFixed(1);
    results.push(ready ? ok("workload.ready", `${last} after ${secs} s`) : fail("workload.ready", `not Ready within ${timeoutMs / 1000} s: ${last}${await podHints(kube, ns)}`));
  } finally {
    if (created) results.push(await removeNamespace(kube, ns, timeoutMs, now));
  }
  return results;
}

/** Why pods are not ready, in a few words (Pending reasons, waiting reasons). */
async function podHints(kube: KubeClient, ns: string): Promise<string> {
  try {
    const r = await kube.request<{ items?: { metadata: { name: string }; status?: { phase?: string; conditions?: { type: string; status: string; reason?: string; message?: string }[]; containerStatuses?: { state?: { waiting?: { reason?: string } } }[] } }[] }>(
      "GET",
      `/api/v1/namespaces/${ns}/pods`,
    );
    const hints = (r.json?.items ?? []).map((p) => {
      const sched = p.status?.conditions?.find((c) => c.type === "PodScheduled" && c.status !== "True");
      const waiting = p.status?.containerStatuses?.map((c) => c.state?.waiting?.reason).filter(Boolean).join(",");
      return `${p.metadata.name} ${p.status?.phase ?? "?"}${sched ? ` (${sched.reason ?? ""} ${sched.message ?? ""})` : ""}${waiting ? ` (${waiting})` : ""}`;
    });
    return hints.length ? `; pods: ${hints.join("; ")}` : "; no pods were created";
  } catch {
    return "";
  }
}

async function removeNamespace(kube: KubeClient, ns: string, timeoutMs: number, now: () => number): Promise<CheckResult> {
  const started = now();
  try {
    await expectStatus(kube, "DELETE", `/api/v1/namespaces/${ns}`, undefined, [200, 202, 404]);
    while (now() - started < timeoutMs) {
      const r = await kube.request("GET", `/api/v1/namespaces/${ns}`);
      if (r.status === 404) return ok("workload.removed", `namespace ${ns} and everything in it deleted in ${((now() - started) / 1000).toFixed(1)} s`);
      await sleep(500);
    }
    return fail("workload.removed", `namespace ${ns} still exists ${timeoutMs / 1000} s after its deletion (finalizers stuck?); delete it with kubectl delete namespace ${ns}`);
  } catch (e) {
    return fail("workload.removed", `${describeError(e)}; delete it with kubectl delete namespace ${ns}`);
  }
}
