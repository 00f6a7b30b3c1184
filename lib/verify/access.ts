/**
 * How verify reaches the parts of a deployed stack that have no public endpoint: the tserver web UIs, yb-admin and
 * each Kine replica. Per target:
 * - docker: tserver UIs on their published loopback ports; yb-admin with `docker exec` in node 0's container; Kine
 *   listens on the Docker network only, so its replicas are out of reach unless `--kine-endpoint` is given.
 * - kubernetes: `kubectl exec` into the YugabyteDB pods (yb-admin; the web UI read with the image's python3) and a
 *   `kubectl port-forward` to each Kine pod, with the stack's own kubeconfig/context (the host cluster's, not k3s's).
 * - aws: every address is private and instances have no SSH; verify reaches them only when run inside the VPC
 *   (`--direct`, with `--yb-admin PATH`), otherwise it says so.
 * `--direct` (any target): this machine can reach the plan's addresses itself.
 * The command lines are rendered by pure functions (tested); running them is target-specific and needs Docker, a
 * cluster or the VPC — none of which the test machine has for YugabyteDB, which the README says.
 */
import { spawn } from "node:child_process";
import type { Topology } from "../../config/schema";
import { KUBERNETES_NAMES, type ClusterPlan, type NodePlan } from "../../planner/plan";
import { ports } from "../../planner/ports";
import { TLS_DIRS } from "../../planner/tls";
import { K8S_APPS, selectorString } from "../../components/kubernetes.common";

export interface KineReplicaEndpoint {
  readonly name: string;
  readonly endpoint: string;
}

export interface ClusterAccess {
  /** One line for the report header. */
  readonly description: string;
  /** Set when the tserver web UIs cannot be reached from here: why, and what would reach them. */
  readonly tserverUnreachable?: string;
  readonly ybAdminUnreachable?: string;
  readonly kineUnreachable?: string;
  varz(node: NodePlan): Promise<string>;
  ybAdmin(args: readonly string[]): Promise<string>;
  /**
   * Local forwards to the stack's in-cluster endpoints (kubernetes: the k3s API and YSQL Services, whose output URLs
   * are cluster DNS names). Verify then dials 127.0.0.1; the k3s certificate names 127.0.0.1.
   */
  endpointForwards?(): Promise<{ readonly k3sServer?: string; readonly ysql?: { readonly host: string; readonly port: number }; close(): Promise<void> }>;
  /** Per-replica endpoints this access opens (port forwards); undefined when it has none of its own. */
  kineReplicas?(): Promise<{ readonly endpoints: readonly KineReplicaEndpoint[]; close(): Promise<void> }>;
}

/** yb-admin's master flags: the plan's master addresses; the CA directory when TLS is on. */
export function ybAdminArgs(plan: ClusterPlan, args: readonly string[], certsDir: string = TLS_DIRS.yugabyte): string[] {
  return ["-master_addresses", plan.yugabyte.masterAddresses.join(","), ...(plan.tls ? ["-certs_dir_name", certsDir] : []), ...args];
}

/** The tserver web UI of a node at its planned address. */
export const tserverVarzUrl = (address: string, port: number = ports.tserverUi): string => `http://${address.includes(":") ? `[${address}]` : address}:${port}/varz?raw`;

/** Fetch a URL with the python3 that ships in the YugabyteDB image (yugabyted is a Python program). */
export const pythonFetch = (url: string): string[] => [
  "python3",
  "-c",
  "import sys,urllib.request;sys.stdout.write(urllib.request.urlopen(sys.argv[1],timeout=10).read().decode())",
  url,
];

export const dockerContainerName = (plan: ClusterPlan, node: { readonly name: string }): string => `${plan.prefix}-${node.name}`;

export function dockerYbAdminCommand(plan: ClusterPlan, args: readonly string[], dockerHost?: string): string[] {
  return ["docker", ...(dockerHost ? ["-H", dockerHost] : []), "exec", "-e", "TZ=UTC", dockerContainerName(plan, plan.nodes[0]), `${plan.yugabyte.binDir}/yb-admin`, ...ybAdminArgs(plan, args)];
}

export function dockerVarzCommand(plan: ClusterPlan, node: NodePlan, dockerHost?: string): string[] {
  return ["docker", ...(dockerHost ? ["-H", dockerHost] : []), "exec", dockerContainerName(plan, node), ...pythonFetch(tserverVarzUrl(node.address))];
}

export interface KubectlTarget {
  readonly kubeconfig?: string;
  readonly context: string;
  readonly namespace: string;
}

export const kubectlTargetOf = (t: Topology): KubectlTarget | undefined =>
  t.kubernetes ? { kubeconfig: t.kubernetes.kubeconfig, context: t.kubernetes.context, namespace: t.kubernetes.namespace } : undefined;

/** `kubectl [--kubeconfig F] --context C -n NS`: the stack's host cluster, never the ambient context. */
export const kubectlIn = (k: KubectlTarget): string[] => ["kubectl", ...(k.kubeconfig ? ["--kubeconfig", k.kubeconfig] : []), "--context", k.context, "-n", k.namespace];
/** {@link kubectlIn} with every request bounded (for reads; not for long waits). */
export const kubectlBase = (k: KubectlTarget): string[] => [...kubectlIn(k), "--request-timeout=30s"];

/** The YugabyteDB container of the node's pod (StatefulSet `yb-<zone>`, pod `yb-<zone>-<ordinal>` = the node's name). */
export const YB_CONTAINER = "yugabyted";

export function kubectlYbAdminCommand(plan: ClusterPlan, k: KubectlTarget, args: readonly string[]): string[] {
  return [...kubectlBase(k), "exec", plan.nodes[0].name, "-c", YB_CONTAINER, "--", "env", "TZ=UTC", `${plan.yugabyte.binDir}/yb-admin`, ...ybAdminArgs(plan, args)];
}

export function kubectlVarzCommand(k: KubectlTarget, node: NodePlan): string[] {
  return [...kubectlBase(k), "exec", node.name, "-c", YB_CONTAINER, "--", ...pythonFetch(tserverVarzUrl(node.address))];
}

export function kubectlKinePodsCommand(plan: ClusterPlan, k: KubectlTarget): string[] {
  return [...kubectlBase(k), "get", "pods", "-l", selectorString(plan, K8S_APPS.kine), "-o", "json"];
}

export const kubectlPortForwardCommand = (k: KubectlTarget, target: string, remotePort: number): string[] => [...kubectlBase(k), "port-forward", target, `:${remotePort}`];

/** `Forwarding from 127.0.0.1:41231 -> 2379` -> 41231 */
export function parsePortForward(line: string): number | undefined {
  const m = /Forwarding from 127\.0\.0\.1:(\d+) ->/.exec(line);
  return m ? Number(m[1]) : undefined;
}

// ---------------------------------------------------------------------------------------------------------------
// running commands

export function runCommand(argv: readonly string[], timeoutMs = 60_000, env: NodeJS.ProcessEnv = process.env): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(argv[0], argv.slice(1), { stdio: ["ignore", "pipe", "pipe"], env });
    let out = "";
    let err = "";
    child.stdout.setEncoding("utf8").on("data", (d: string) => (out += d));
    child.stderr.setEncoding("utf8").on("data", (d: string) => (err += d));
    const timer = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
    child.on("error", (e) => {
      clearTimeout(timer);
      reject(new Error(`cannot run ${argv[0]}: ${e.message}`));
    });
    child.on("close", (code, signal) => {
      clearTimeout(timer);
      if (code === 0) resolve(out);
      else reject(new Error(signal ? `${argv[0]} ${argv.slice(1, 4).join(" ")}... killed after ${timeoutMs} ms` : `${argv[0]} exited ${code}: ${(err || out).trim().split("\n").slice(-2).join(" ")}`));
    });
  });
}

async function httpGet(url: string, timeoutMs = 10_000): Promise<string> {
  const ctl = new AbortController();
  const t = setTimeout(() => ctl.abort(), timeoutMs);
  try {
    const r = await fetch(url, { signal: ctl.signal });
    if (!r.ok) throw new Error(`${url}: HTTP ${r.status}`);
    return await r.text();
  } catch (e) {
    throw new Error(`${url}: ${e instanceof Error ? (e.cause instanceof Error ? e.cause.message : e.message) : String(e)}`);
  } finally {
    clearTimeout(t);
  }
}

/** Start `kubectl port-forward`, wait for its "Forwarding from" line (bounded), return the local port and a stop. */
function portForward(argv: readonly string[], timeoutMs = 20_000): Promise<{ port: number; stop(): void }> {
  return new Promise((resolve, reject) => {
    const child = spawn(argv[0], argv.slice(1), { stdio: ["ignore", "pipe", "pipe"] });
    let err = "";
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`port-forward did not start within ${timeoutMs} ms: ${err.trim()}`));
    }, timeoutMs);
    child.stderr.setEncoding("utf8").on("data", (d: string) => (err += d));
    child.stdout.setEncoding("utf8").on("data", (d: string) => {
      const p = parsePortForward(d);
      if (p) {
        clearTimeout(timer);
        resolve({ port: p, stop: () => child.kill("SIGTERM") });
      }
    });
    child.on("error", (e) => {
      clearTimeout(timer);
      reject(new Error(`cannot run kubectl: ${e.message}`));
    });
    child.on("close", (code) => {
      clearTimeout(timer);
      reject(new Error(`port-forward exited ${code}: ${err.trim()}`));
    });
  });
}

// ---------------------------------------------------------------------------------------------------------------
// per target

const unreachable = (description: string, reason: string): ClusterAccess => ({
  description,
  tserverUnreachable: reason,
  ybAdminUnreachable: reason,
  kineUnreachable: reason,
  varz: () => Promise.reject(new Error(reason)),
  ybAdmin: () => Promise.reject(new Error(reason)),
});

export interface AccessOptions {
  /** This machine reaches the plan's private addresses itself (e.g. run inside the VPC). */
  readonly direct?: boolean;
  /** A local yb-admin binary, for `--direct`. */
  readonly ybAdmin?: string;
  /** A directory holding the cluster's `ca.crt`, for yb-admin with TLS when run here. */
  readonly ybCertsDir?: string;
}

export function directAccess(plan: ClusterPlan, o: AccessOptions): ClusterAccess {
  const scheme = plan.tls ? "https" : "http";
  return {
    description: `direct: this machine reaches the plan's addresses${o.ybAdmin ? `, yb-admin ${o.ybAdmin}` : ""}`,
    ybAdminUnreachable: o.ybAdmin ? undefined : "--direct without --yb-admin PATH: no yb-admin to run here",
    varz: (node) => httpGet(tserverVarzUrl(node.address)),
    ybAdmin: (args) => runCommand([o.ybAdmin as string, ...ybAdminArgs(plan, args, o.ybCertsDir)], 60_000, { ...process.env, TZ: "UTC" }),
    kineReplicas: async () => ({
      endpoints: plan.target === "kubernetes" ? plan.kine.endpoints.map((e) => ({ name: "kine (service)", endpoint: e })) : plan.kine.replicas.map((r) => ({ name: r.name, endpoint: `${scheme}://${r.address}:${ports.kine}` })),
      close: async () => undefined,
    }),
  };
}

export function dockerAccess(plan: ClusterPlan, topology: Topology): ClusterAccess {
  const host = topology.docker?.host;
  const published = topology.docker?.publishDatabasePorts !== false;
  const bind = topology.docker?.bindAddress ?? "127.0.0.1";
  return {
    description: `docker${host ? ` (${host})` : ""}: tserver UIs ${published ? `on ${bind}` : "through docker exec"}, yb-admin through docker exec`,
    kineUnreachable:
      "Kine listens on the Docker network only (not published): pass --kine-endpoint for a replica you can reach, or run verify with --direct from a container on that network",
    varz: (node) => (published && node.hostPorts ? httpGet(tserverVarzUrl(bind, node.hostPorts.tserverUi)) : runCommand(dockerVarzCommand(plan, node, host))),
    ybAdmin: (args) => runCommand(dockerYbAdminCommand(plan, args, host)),
  };
}

export function kubernetesAccess(plan: ClusterPlan, k: KubectlTarget): ClusterAccess {
  return {
    description: `kubernetes: kubectl --context ${k.context} -n ${k.namespace} (exec into the YugabyteDB pods, port-forward to each Kine pod)`,
    varz: (node) => runCommand(kubectlVarzCommand(k, node)),
    ybAdmin: (args) => runCommand(kubectlYbAdminCommand(plan, k, args)),
    endpointForwards: async () => {
      const api = await portForward(kubectlPortForwardCommand(k, `svc/${KUBERNETES_NAMES.k3sService}`, ports.k3sApi));
      const ysql = await portForward(kubectlPortForwardCommand(k, `svc/${KUBERNETES_NAMES.ysqlService}`, ports.ysql)).catch((e: unknown) => {
        api.stop();
        throw e;
      });
      return {
        k3sServer: `https://127.0.0.1:${api.port}`,
        ysql: { host: "127.0.0.1", port: ysql.port },
        close: async () => {
          api.stop();
          ysql.stop();
        },
      };
    },
    kineReplicas: async () => {
      const pods = JSON.parse(await runCommand(kubectlKinePodsCommand(plan, k))) as { items?: { metadata: { name: string }; status?: { phase?: string } }[] };
      const forwards: { stop(): void }[] = [];
      const endpoints: KineReplicaEndpoint[] = [];
      const scheme = plan.tls ? "https" : "http";
      for (const p of pods.items ?? []) {
        try {
          const f = await portForward(kubectlPortForwardCommand(k, `pod/${p.metadata.name}`, ports.kine));
          forwards.push(f);
          endpoints.push({ name: p.metadata.name, endpoint: `${scheme}://127.0.0.1:${f.port}` });
        } catch (e) {
          endpoints.push({ name: p.metadata.name, endpoint: `unreachable: ${e instanceof Error ? e.message : String(e)}` });
        }
      }
      return { endpoints, close: async () => forwards.forEach((f) => f.stop()) };
    },
  };
}

/** The access a plan's target gives, unless `--direct`. */
export function accessFor(plan: ClusterPlan, topology: Topology, o: AccessOptions = {}): ClusterAccess {
  if (o.direct) return directAccess(plan, o);
  switch (plan.target) {
    case "docker":
      return dockerAccess(plan, topology);
    case "kubernetes": {
      const k = kubectlTargetOf(topology);
      return k ? kubernetesAccess(plan, k) : unreachable("kubernetes", "the stack has no yb-k3s:kubernetes section");
    }
    case "aws":
      return unreachable(
        "aws",
        "every address is private and the instances have no SSH: run verify inside the VPC with --direct --yb-admin PATH (e.g. on a YugabyteDB instance through aws ssm start-session; see the accessHints output)",
      );
  }
}

/** For runs without a stack (only explicit overrides): nothing of the universe can be reached. */
export const noPlanAccess = (): ClusterAccess =>
  unreachable("none", "no stack given (--stack or --config): verify knows no YugabyteDB node or Kine replica beyond the explicit overrides");
