/**
 * The drill's probes, through the same KubeClient verify uses: `GET /readyz?verbose` (verify's runReadyz) and a small
 * write — create a ConfigMap in the drill's own namespace and delete it again. The loop runs one probe every
 * interval (the next starts at once when a probe took longer) until the hold ends or the run is aborted.
 */
import { randomBytes } from "node:crypto";
import type { KubeClient } from "../verify/kubeClient";
import { runReadyz } from "../verify/kubernetes";
import type { Probe } from "./report";
import { DRILL_LABEL } from "./steps";

export const DRILL_NAMESPACE_PREFIX = "yb-k3s-drill-";
/** Bound of each request of a probe. */
export const PROBE_REQUEST_TIMEOUT_MS = 5_000;

export const newDrillNamespaceName = (): string => `${DRILL_NAMESPACE_PREFIX}${randomBytes(4).toString("hex")}`;

const describe = (e: unknown) => (e instanceof Error ? e.message : String(e));

async function expectStatus(kube: KubeClient, method: "POST" | "DELETE", path: string, body: unknown, okStatuses: readonly number[]): Promise<void> {
  const r = await kube.request(method, path, body, PROBE_REQUEST_TIMEOUT_MS);
  if (!okStatuses.includes(r.status)) throw new Error(`${method} ${path}: HTTP ${r.status} ${(r.json as { message?: string } | undefined)?.message ?? r.text.slice(0, 200)}`);
}

export async function createDrillNamespace(kube: KubeClient, name: string): Promise<void> {
  await expectStatus(kube, "POST", "/api/v1/namespaces", { apiVersion: "v1", kind: "Namespace", metadata: { name, labels: { [DRILL_LABEL.key]: DRILL_LABEL.value } } }, [201, 409]);
}

export async function deleteDrillNamespace(kube: KubeClient, name: string): Promise<void> {
  await expectStatus(kube, "DELETE", `/api/v1/namespaces/${name}`, undefined, [200, 202, 404]);
}

/** One probe: /readyz, then a ConfigMap created and deleted. */
export async function probeOnce(kube: KubeClient, namespace: string, seq: number, now: () => number = Date.now): Promise<Probe> {
  const startMs = now();
  const problems: string[] = [];
  const readyz = await runReadyz(kube).catch((e: unknown) => ({ status: "fail" as const, detail: describe(e) }));
  if (readyz.status !== "ok") problems.push(`readyz: ${readyz.detail}`);
  let write = false;
  try {
    const name = `drill-${seq}-${randomBytes(3).toString("hex")}`;
    const base = `/api/v1/namespaces/${namespace}/configmaps`;
    await expectStatus(kube, "POST", base, { apiVersion: "v1", kind: "ConfigMap", metadata: { name, labels: { [DRILL_LABEL.key]: DRILL_LABEL.value } }, data: { at: new Date().toISOString() } }, [201]);
    await expectStatus(kube, "DELETE", `${base}/${name}`, undefined, [200, 202]);
    write = true;
  } catch (e) {
    problems.push(`write: ${describe(e)}`);
  }
  return { startMs, endMs: now(), readyz: readyz.status === "ok", write, ...(problems.length ? { message: problems.join("; ").replace(/\s*\n\s*/g, " | ") } : {}) };
}

export interface LoopOptions {
  readonly probe: (seq: number) => Promise<Probe>;
  readonly intervalMs: number;
  readonly durationMs: number;
  readonly now?: () => number;
  /** Resolves after ms, or early when the signal aborts. */
  readonly sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  readonly signal?: AbortSignal;
  readonly onProbe?: (p: Probe) => void;
}

export const abortableSleep = (ms: number, signal?: AbortSignal): Promise<void> =>
  new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const t = setTimeout(done, ms);
    function done() {
      clearTimeout(t);
      signal?.removeEventListener("abort", done);
      resolve();
    }
    signal?.addEventListener("abort", done, { once: true });
  });

/** Probe every interval for the duration; returns the probes and the window they cover (cut short by an abort). */
export async function probeLoop(o: LoopOptions): Promise<{ probes: Probe[]; window: { startMs: number; endMs: number } }> {
  const now = o.now ?? Date.now;
  const sleep = o.sleep ?? abortableSleep;
  const startMs = now();
  const endMs = startMs + o.durationMs;
  const probes: Probe[] = [];
  for (let seq = 0; now() < endMs && !o.signal?.aborted; seq++) {
    const started = now();
    const p = await o.probe(seq);
    probes.push(p);
    o.onProbe?.(p);
    const next = Math.min(started + o.intervalMs, endMs);
    if (now() < next) await sleep(next - now(), o.signal);
  }
  return { probes, window: { startMs, endMs: o.signal?.aborted ? Math.min(now(), endMs) : endMs } };
}

/**
 * A client that is reopened after a failed probe: a `kubectl port-forward` to the k3s Service sticks to the pod it
 * picked when it started, so when that pod goes with the domain, the next probe needs a new forward (to a pod left).
 */
export function reconnecting(open: () => Promise<{ readonly client: KubeClient; close(): Promise<void> }>) {
  let current: { readonly client: KubeClient; close(): Promise<void> } | undefined;
  return {
    async client(): Promise<KubeClient> {
      current ??= await open();
      return current.client;
    },
    async reset(): Promise<void> {
      const c = current;
      current = undefined;
      await c?.close().catch(() => undefined);
    },
    close(): Promise<void> {
      return this.reset();
    },
  };
}
