/**
 * verify's Kine check: every Kine replica answers an etcd range request on its own endpoint (not through a load
 * balancer that would hide a dead replica when it can be avoided). Uses the `etcd3` client the tests use, loaded
 * only when this check runs (it is installed by `npm ci`).
 */
import { readFileSync } from "node:fs";
import { fail, ok, type CheckResult } from "./result";

export interface EtcdTls {
  readonly caFile: string;
  readonly certFile?: string;
  readonly keyFile?: string;
}

/** `http://a:2379,https://b:2379` (the `kineEndpoint` output) -> endpoints, in order, without duplicates. */
export const splitEndpoints = (s: string): string[] => [...new Set(s.split(",").map((e) => e.trim()).filter((e) => e.length > 0))];

/** The key range Kubernetes keeps its objects under: a range over it is what the API server's list does. */
export const REGISTRY_PREFIX = "/registry/";

export async function runKineCheck(endpoint: string, o: { timeoutMs?: number; tls?: EtcdTls } = {}): Promise<CheckResult> {
  const check = `kine/${endpoint}`;
  const timeoutMs = o.timeoutMs ?? 10_000;
  if (endpoint.startsWith("https://") && !o.tls)
    return fail(check, "the endpoint speaks TLS and requires a client certificate: pass --etcd-cacert, --etcd-cert and --etcd-key");
  const { Etcd3 } = await import("etcd3");
  const client = new Etcd3({
    hosts: endpoint,
    dialTimeout: timeoutMs,
    defaultCallOptions: () => ({ deadline: Date.now() + timeoutMs }),
    // No retries and no circuit breaker: one honest answer per replica.
    faultHandling: { host: () => passThrough, global: passThrough },
    ...(o.tls
      ? {
          credentials: {
            rootCertificate: readFileSync(o.tls.caFile),
            ...(o.tls.certFile ? { certChain: readFileSync(o.tls.certFile) } : {}),
            ...(o.tls.keyFile ? { privateKey: readFileSync(o.tls.keyFile) } : {}),
          },
        }
      : {}),
  });
  const started = Date.now();
  try {
    const r = await client.getAll().prefix(REGISTRY_PREFIX).limit(1).exec();
    const ms = Date.now() - started;
    return ok(check, `range ${REGISTRY_PREFIX}* answered in ${ms} ms, revision ${r.header.revision}, ${r.count} key(s)`);
  } catch (e) {
    return fail(check, `no answer to a range request: ${(e instanceof Error ? e.message : String(e)).split("\n")[0]}`);
  } finally {
    client.close();
  }
}

// etcd3's default fault handling retries and opens a circuit breaker; verify wants each call once.
type EtcdOptions = NonNullable<ConstructorParameters<typeof import("etcd3").Etcd3>[0]>;
type FaultPolicy = NonNullable<NonNullable<EtcdOptions["faultHandling"]>["global"]>;
const passThrough = {
  execute: <T>(fn: (ctx: { signal: AbortSignal; attempt: number }) => T | Promise<T>) =>
    Promise.resolve().then(() => fn({ signal: new AbortController().signal, attempt: 0 })),
} as unknown as FaultPolicy;
