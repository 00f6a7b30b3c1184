/**
 * A real Kubernetes control plane on loopback whose state is stock Kine on PostgreSQL holding THIS program's schema:
 *
 *   PostgreSQL (schema from `plan --format sql --dialect postgres`, applied before Kine starts)
 *     -> Kine (the pinned version, the program's own argument list)
 *     -> kube-apiserver (RBAC, client-certificate auth) -> kube-controller-manager, kube-scheduler
 *     -> kwok: one fake node per zone of the stack under test, labelled like a cloud node; its node/pod stages make
 *        pods Running/Ready (and Job pods Succeeded, without running their containers), its volume stages bind PVCs of
 *        a StorageClass named like the stack's.
 *
 * Nothing is faked above the kubelet: every readiness the Pulumi provider waits for is reached through the real
 * controllers (ReplicaSet/StatefulSet/Job/Disruption/EndpointSlice) and the real scheduler.
 */
import { execFileSync, spawn } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { startKine, type KineProcess } from "../../test/support/kine";
import { createDatabase, freePort, psql, startPostgres, type PgServer } from "../../test/support/postgres";
import type { E2eBinaries } from "./binaries";
import { REPO_ROOT } from "./binaries";
import { makePki, writeKubeconfig, type TestBedPki } from "./pki";
import { startDaemon, waitFor, type Daemon } from "./processes";

/** kwok manages only nodes carrying this annotation (kwok's own convention). */
export const KWOK_NODE_ANNOTATION = "kwok.x-k8s.io/node";
/** The StorageClass name kwok's stock volume stages select; we rewrite them for the stack's class. */
const KWOK_STOCK_CLASS = "kwok-volume";
const SERVICE_CIDR = "10.96.0.0/16";
const SERVICE_IP = "10.96.0.1";
/** Not loopback (the API server refuses one) and never dialled: nothing runs on the nodes. */
const ADVERTISE_ADDRESS = "10.255.255.1";

export interface ControlPlaneOptions {
  readonly binaries: E2eBinaries;
  /** The stack's zones (one kwok node each), region, node zone label and StorageClass name. */
  readonly zones: readonly string[];
  readonly region: string;
  readonly zoneLabel: string;
  readonly storageClass: string;
  /** The kubeconfig context name to write (the stack's `kubernetes.context`). */
  readonly context: string;
  /** Kine's database; the schema is applied into it before Kine starts. */
  readonly database: string;
  /** The schema DDL (postgres dialect) to apply. */
  readonly schemaSql: string;
  /** kwok nodes per zone (default 1); more let a stack scale out under required pod anti-affinity. */
  readonly nodesPerZone?: number;
}

export interface RunningControlPlane {
  readonly dir: string;
  readonly kubeconfig: string;
  readonly context: string;
  readonly server: string;
  readonly pg: PgServer;
  readonly kine: KineProcess;
  readonly database: string;
  /** kubectl with the admin kubeconfig; returns stdout. */
  kubectl(args: readonly string[], input?: string): string;
  /** kubectl ... -o json, parsed. */
  getJson<T = unknown>(args: readonly string[]): T;
  /** Rows of Kine's table whose key starts with `prefix` (e.g. /registry/apps/statefulsets/yb-k3s/). */
  kineKeys(prefix: string): Promise<string[]>;
  /** Names and definitions of the kine table's indexes and constraints, as PostgreSQL reports them. */
  schemaSnapshot(): Promise<string>;
  /**
   * Watch pods matching `selector` in `namespace` (kubectl --watch); returns a stop function giving every event seen:
   * `{ type, name, ready }` with ready = the pod's Ready condition is True and it is not being deleted.
   */
  watchPods(namespace: string, selector: string): () => Promise<{ type: string; name: string; ready: boolean }[]>;
  /** Last lines of every daemon's log, for failure messages. */
  logs(): string;
  stop(): Promise<void>;
}

function stageFiles(stageDir: string, storageClass: string): string {
  const pick = ["node/fast/node-initialize.yaml", "node/heartbeat-with-lease/node-heartbeat-with-lease.yaml",
    "pod/fast/pod-ready.yaml", "pod/fast/pod-complete.yaml", "pod/fast/pod-delete.yaml",
    "volume/fast/pv-bind.yaml", "volume/fast/pv-delete.yaml", "volume/fast/pvc-provision.yaml", "volume/fast/pvc-delete.yaml"];
  return pick
    .map((rel) => {
      const text = fs.readFileSync(path.join(stageDir, rel), "utf8");
      // The volume stages select kwok's demo class; make them serve the stack's class instead.
      if (!rel.startsWith("volume/")) return text;
      let out = text.split(`'${KWOK_STOCK_CLASS}'`).join(`'${storageClass}'`);
      // WaitForFirstConsumer, as on a cloud: provision only once the scheduler has picked the pod's node.
      if (rel.endsWith("pvc-provision.yaml")) {
        out = out.replace("    - cel:\n        expression: >-\n          !has(self.spec.volumeName)",
          "    - cel:\n        expression: >-\n          has(self.metadata.annotations) && 'volume.kubernetes.io/selected-node' in self.metadata.annotations\n" +
            "    - cel:\n        expression: >-\n          !has(self.spec.volumeName)");
        if (!out.includes("selected-node")) throw new Error("kwok's pvc-provision stage changed shape; cannot make it WaitForFirstConsumer");
      }
      return out;
    })
    .join("\n---\n");
}

function nodeManifest(o: ControlPlaneOptions, zone: string, index: number): object {
  const name = `kwok-${zone}-${index}`;
  const capacity = { cpu: "64", memory: "256Gi", pods: "110", "ephemeral-storage": "1Ti" };
  return {
    apiVersion: "v1",
    kind: "Node",
    metadata: {
      name,
      annotations: { [KWOK_NODE_ANNOTATION]: "fake", "node.alpha.kubernetes.io/ttl": "0" },
      labels: {
        "kubernetes.io/hostname": name,
        "kubernetes.io/os": "linux",
        "kubernetes.io/arch": "amd64",
        [o.zoneLabel]: zone,
        "topology.kubernetes.io/zone": zone,
        "topology.kubernetes.io/region": o.region,
        type: "kwok",
      },
    },
    spec: {},
    status: { allocatable: capacity, capacity },
  };
}

export async function startControlPlane(o: ControlPlaneOptions): Promise<RunningControlPlane> {
  const b = o.binaries;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "yb-k3s-e2e-cp-"));
  const daemons: Daemon[] = [];
  let pg: PgServer | undefined;
  let kine: KineProcess | undefined;
  const stop = async () => {
    for (const d of [...daemons].reverse()) await d.stop();
    await kine?.stop();
    await pg?.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  };
  try {
    // 1. PostgreSQL with the program's schema in Kine's database, before Kine ever connects.
    pg = await startPostgres();
    await createDatabase(pg, o.database);
    await psql(pg, o.database, o.schemaSql);
    // 2. Stock Kine with the program's own argument list.
    kine = await startKine({ pg, database: o.database, name: "kine" });

    // 3. Certificates and kubeconfigs.
    const pki: TestBedPki = makePki(path.join(dir, "pki"), SERVICE_IP);
    const port = await freePort();
    const server = `https://127.0.0.1:${port}`;
    const kc = (name: string, user: TestBedPki["admin"]) => {
      const file = path.join(dir, `${name}.kubeconfig`);
      writeKubeconfig(file, server, pki.ca.cert, user, name === "admin" ? o.context : name);
      return file;
    };
    const admin = kc("admin", pki.admin);
    const cm = kc("controller-manager", pki.controllerManager);
    const sched = kc("scheduler", pki.scheduler);
    const kwokKc = kc("kwok", pki.kwok);
    const log = (name: string) => path.join(dir, `${name}.log`);
    const kubectl = (args: readonly string[], input?: string) =>
      execFileSync(b.kubectl, ["--kubeconfig", admin, "--request-timeout=30s", ...args], {
        encoding: "utf8",
        input,
        stdio: ["pipe", "pipe", "pipe"],
        maxBuffer: 64 * 1024 * 1024,
      });
    const logs = () => [...daemons.map((d) => `--- ${d.name}\n${d.tail(15)}`), `--- kine\n${kine?.logs().split("\n").slice(-15).join("\n")}`].join("\n");

    // 4. kube-apiserver on Kine.
    daemons.push(startDaemon("kube-apiserver", b.kubeApiserver, [
      `--etcd-servers=${kine.endpoint}`,
      "--bind-address=127.0.0.1", `--secure-port=${port}`, `--advertise-address=${ADVERTISE_ADDRESS}`,
      "--authorization-mode=Node,RBAC", `--client-ca-file=${pki.ca.cert}`,
      // As on EKS/GKE/kubeadm clusters: privileged pods are allowed, Pod Security Admission per namespace decides.
      "--allow-privileged=true",
      `--tls-cert-file=${pki.apiserver.cert}`, `--tls-private-key-file=${pki.apiserver.key}`,
      "--service-account-issuer=https://kubernetes.default.svc.cluster.local",
      `--service-account-key-file=${pki.serviceAccountPub}`, `--service-account-signing-key-file=${pki.serviceAccountKey}`,
      `--service-cluster-ip-range=${SERVICE_CIDR}`,
      `--requestheader-client-ca-file=${pki.frontProxyCa.cert}`, "--requestheader-allowed-names=front-proxy-client",
      "--requestheader-username-headers=X-Remote-User", "--requestheader-group-headers=X-Remote-Group",
      "--requestheader-extra-headers-prefix=X-Remote-Extra-",
      `--proxy-client-cert-file=${pki.frontProxyClient.cert}`, `--proxy-client-key-file=${pki.frontProxyClient.key}`,
      `--cert-dir=${path.join(dir, "apiserver-certs")}`, "--profiling=false", "--v=1",
    ], log("kube-apiserver")));
    await waitFor("kube-apiserver /readyz", () => kubectl(["get", "--raw", "/readyz"]).trim() === "ok", 120_000, logs);

    // 5. Controllers and scheduler, each with its own identity (RBAC bootstrap roles).
    daemons.push(startDaemon("kube-controller-manager", b.kubeControllerManager, [
      `--kubeconfig=${cm}`, `--authentication-kubeconfig=${cm}`, `--authorization-kubeconfig=${cm}`,
      "--bind-address=127.0.0.1", `--secure-port=${await freePort()}`, "--leader-elect=false",
      `--service-account-private-key-file=${pki.serviceAccountKey}`, `--root-ca-file=${pki.ca.cert}`,
      "--use-service-account-credentials=true",
      `--cluster-signing-cert-file=${pki.ca.cert}`, `--cluster-signing-key-file=${pki.ca.key}`,
      `--service-cluster-ip-range=${SERVICE_CIDR}`, "--v=1",
    ], log("kube-controller-manager")));
    daemons.push(startDaemon("kube-scheduler", b.kubeScheduler, [
      `--kubeconfig=${sched}`, `--authentication-kubeconfig=${sched}`, `--authorization-kubeconfig=${sched}`,
      "--bind-address=127.0.0.1", `--secure-port=${await freePort()}`, "--leader-elect=false", "--v=1",
    ], log("kube-scheduler")));

    // 6. kwok with its stages, managing only the annotated nodes we create.
    const stages = path.join(dir, "kwok-stages.yaml");
    fs.writeFileSync(stages, stageFiles(b.kwokStageDir, o.storageClass));
    daemons.push(startDaemon("kwok", b.kwok, [
      `--kubeconfig=${kwokKc}`, `--config=${stages}`,
      `--manage-nodes-with-annotation-selector=${KWOK_NODE_ANNOTATION}=fake`, "--node-lease-duration-seconds=40",
      "--cidr=10.244.0.0/16", `--node-ip=${ADVERTISE_ADDRESS}`, `--node-port=${await freePort()}`,
      `--server-address=127.0.0.1:${await freePort()}`,
    ], log("kwok")));

    // 7. One node per zone, and the stack's StorageClass backed by kwok's volume stages.
    const objects = [
      ...o.zones.flatMap((z) => Array.from({ length: o.nodesPerZone ?? 1 }, (_, i) => nodeManifest(o, z, i))),
      {
        apiVersion: "storage.k8s.io/v1",
        kind: "StorageClass",
        metadata: { name: o.storageClass },
        provisioner: "kwok.x-k8s.io/volume",
        reclaimPolicy: "Delete",
        volumeBindingMode: "WaitForFirstConsumer",
      },
    ];
    kubectl(["apply", "-f", "-"], JSON.stringify({ apiVersion: "v1", kind: "List", items: objects }));
    await waitFor("every kwok node Ready", () => {
      const nodes = JSON.parse(kubectl(["get", "nodes", "-o", "json"])) as { items: { status?: { conditions?: { type: string; status: string }[] } }[] };
      return nodes.items.length === o.zones.length * (o.nodesPerZone ?? 1) && nodes.items.every((n) => n.status?.conditions?.some((c) => c.type === "Ready" && c.status === "True"));
    }, 90_000, logs);
    await waitFor("the default namespace's service account", () => kubectl(["get", "serviceaccount", "default", "-n", "default", "-o", "name"]).trim() !== "", 60_000, logs);

    const livePg = pg;
    return {
      dir,
      kubeconfig: admin,
      context: o.context,
      server,
      pg: livePg,
      kine,
      database: o.database,
      kubectl,
      watchPods: (namespace: string, selector: string) => {
        const template = '{.type}{" "}{.object.metadata.name}{" "}{.object.status.conditions[?(@.type=="Ready")].status}{" "}{.object.metadata.deletionTimestamp}{"\\n"}';
        const child = spawn(b.kubectl, ["--kubeconfig", admin, "get", "pods", "-n", namespace, "-l", selector, "--watch", "--output-watch-events", "-o", `jsonpath=${template}`], { stdio: ["ignore", "pipe", "pipe"] });
        let out = "";
        child.stdout.setEncoding("utf8").on("data", (d: string) => (out += d));
        return async () => {
          await new Promise((r) => setTimeout(r, 1500)); // let the last events arrive
          child.kill("SIGTERM");
          return out.split("\n").filter((l) => l.trim()).map((l) => {
            const [type, name, ready, deleting] = l.split(" ");
            return { type, name, ready: type !== "DELETED" && ready === "True" && !deleting };
          });
        };
      },
      getJson: <T>(args: readonly string[]) => JSON.parse(kubectl([...args, "-o", "json"])) as T,
      kineKeys: async (prefix: string) => {
        const r = await psql(livePg, o.database, `SELECT DISTINCT name FROM kine WHERE name LIKE '${prefix.replace(/'/g, "''")}%' AND deleted = 0 ORDER BY name;`);
        return r.stdout.split("\n").filter((l) => l.length > 0);
      },
      schemaSnapshot: async () =>
        (await psql(livePg, o.database, [
          "SELECT indexname || ' ' || indexdef FROM pg_indexes WHERE tablename = 'kine' ORDER BY indexname;",
          "SELECT conname || ' ' || contype::text || ' ' || pg_get_constraintdef(oid) FROM pg_constraint WHERE conrelid = 'kine'::regclass ORDER BY conname;",
          "SELECT column_name || ' ' || data_type || ' ' || coalesce(collation_name, '') FROM information_schema.columns WHERE table_name = 'kine' ORDER BY ordinal_position;",
        ].join("\n"))).stdout,
      logs,
      stop,
    };
  } catch (e) {
    const detail = daemons.map((d) => `--- ${d.name}\n${d.tail(20)}`).join("\n");
    await stop();
    throw new Error(`${e instanceof Error ? e.message : String(e)}\n${detail}`);
  }
}

export const repoRoot = REPO_ROOT;
