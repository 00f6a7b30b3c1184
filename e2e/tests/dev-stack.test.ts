/**
 * The real engine on a real control plane (issue 13): the `dev` stack (kubernetes target) deployed by the Pulumi CLI
 * through the Automation API onto kube-apiserver + controllers + scheduler + kwok nodes whose state is stock Kine on
 * PostgreSQL holding this program's own schema. Scenarios run in order on one stack: (a) preview + up, (b) the objects
 * are rows in Kine's table and the schema is untouched, (c) a second preview/up/refresh change nothing, (d) a one-key
 * change updates exactly what it should, (e) destroy: refused while data is protected, complete (PVCs retained) once not.
 * No readiness wait is skipped: StatefulSets, Deployments and the bootstrap Job become Ready/Complete through the real
 * controllers (kwok completes the Job's pod without running its script; the offline tests check that script).
 */
import { execFileSync } from "node:child_process";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { K8S_APPS, ZONE_POD_LABEL } from "../../components/kubernetes.common";
import { BACKUP_CLAIM, KINE_BACKUP_NAME } from "../../planner/backup";
import { buildPlan } from "../../planner/plan";
import { validateStack } from "../../lib/plan";
import { waitFor } from "../harness/processes";
import { evaluateBackupAge, newestSuccessfulRun } from "../../lib/verify/backup";
import { yugabyteRolloutJobName, yugabyteStatefulSetName } from "../../components/yugabyteCluster.kubernetes";
import { e2eBinaries, REPO_ROOT } from "../harness/binaries";
import { startControlPlane, type RunningControlPlane } from "../harness/controlPlane";
import { createEngineStack, StepLog, type EngineStack } from "../harness/engine";
import { kubernetesStack, testBedOptions } from "../harness/stackTestBed";

const STACK = "dev";
const PROJECT = "yb-k3s";
const { file, regions, kubernetes: k8sCfg } = kubernetesStack(STACK);
const cfg = <T>(key: string) => file.config[`yb-k3s:${key}`] as T;
const NS = k8sCfg.namespace;

/** The stack file's config with only the cluster coordinates overridden: the test bed's kubeconfig. */
const stackConfig = (cp: RunningControlPlane, extra: Record<string, unknown> = {}) => ({
  ...file.config,
  "yb-k3s:kubernetes": { ...k8sCfg, kubeconfig: cp.kubeconfig, context: cp.context },
  ...extra,
});

/** Every offline plan fact the suite compares with: `plan --format json` of the same stack file. */
const offlinePlan = () =>
  JSON.parse(execFileSync("npm", ["run", "--silent", "plan", "--", "--stack", STACK, "--format", "json"], { cwd: REPO_ROOT, encoding: "utf8", maxBuffer: 64 << 20 })) as {
    resources: { urn: string; type: string; name: string }[];
  };

interface KubeObject {
  metadata: { name: string; namespace?: string; uid: string; labels?: Record<string, string>; annotations?: Record<string, string> };
  spec?: Record<string, unknown>;
  status?: Record<string, unknown>;
}
interface StateResource {
  urn: string;
  type: string;
  protect?: boolean;
  outputs?: { metadata?: { name?: string; namespace?: string; uid?: string }; kind?: string; apiVersion?: string };
}

/** `kubernetes:apps/v1:StatefulSet` -> the kubectl resource name `statefulset.v1.apps` (core: `service`). */
const kubectlResource = (type: string) => {
  const m = /^kubernetes:([^:]+):(\w+)$/.exec(type);
  if (!m) throw new Error(`not a kubernetes resource type: ${type}`);
  const [group, version] = m[1].includes("/") ? m[1].split("/") : ["core", m[1]];
  return group === "core" ? m[2].toLowerCase() : `${m[2].toLowerCase()}.${version}.${group}`;
};

/** Where the API server keeps an object in Kine: /registry/<resource>/<namespace>/<name>. */
const REGISTRY_PREFIX: Record<string, string> = {
  Namespace: "/registry/namespaces/",
  Service: "/registry/services/specs/",
  Secret: "/registry/secrets/",
  ConfigMap: "/registry/configmaps/",
  ServiceAccount: "/registry/serviceaccounts/",
  PodDisruptionBudget: "/registry/poddisruptionbudgets/",
  NetworkPolicy: "/registry/networkpolicies/",
  StatefulSet: "/registry/statefulsets/",
  Deployment: "/registry/deployments/",
  Job: "/registry/jobs/",
  CronJob: "/registry/cronjobs/",
  PersistentVolumeClaim: "/registry/persistentvolumeclaims/",
  Role: "/registry/roles/",
  RoleBinding: "/registry/rolebindings/",
};

let cp: RunningControlPlane;
let engine: EngineStack;
let schemaAtStart = "";

async function kubernetesResources(): Promise<StateResource[]> {
  const state = (await engine.stack.exportStack()).deployment as { resources?: StateResource[] };
  return (state.resources ?? []).filter((r) => r.type.startsWith("kubernetes:") && !r.type.startsWith("kubernetes:providers"));
}

describe(`the ${STACK} stack on a real control plane, through the real engine`, () => {
  beforeAll(async () => {
    const binaries = e2eBinaries();
    // Room to scale out to two database pods per zone (required anti-affinity on hostname).
    cp = await startControlPlane(testBedOptions(STACK, binaries, { nodesPerZone: 2 }));
    schemaAtStart = await cp.schemaSnapshot();
    engine = await createEngineStack({
      binaries,
      projectName: PROJECT,
      stackName: STACK,
      config: stackConfig(cp),
      // The entry, unchanged and fresh for every operation, as the language host would load it.
      program: async () => {
        vi.resetModules();
        return { ...(await import(path.join(REPO_ROOT, "index.ts"))) } as Record<string, unknown>;
      },
    });
  }, 300_000);

  afterAll(async () => {
    await engine?.remove();
    await cp?.stop();
  }, 120_000);

  it("(a) preview shows exactly the offline plan's resources; up creates them through every readiness wait", async () => {
    const planned = offlinePlan().resources.map((r) => r.urn).sort();
    const preview = new StepLog();
    const pr = await engine.stack.preview({ onEvent: preview.onEvent });
    // The engine adds the stack and one default provider per package; everything else must be the offline plan's.
    const previewed = preview.ops((op) => op === "create").map((s) => s.urn)
      .filter((u) => !u.includes("::pulumi:pulumi:Stack::") && !/::pulumi:providers:\w+::default(_[\d_]+)?$/.test(u)).sort();
    expect(previewed).toEqual(planned);
    expect(pr.changeSummary.create).toBeGreaterThanOrEqual(planned.length);

    const up = await engine.stack.up({ onOutput: () => undefined });
    expect(up.summary.result).toBe("succeeded");
    expect(up.summary.resourceChanges?.create).toBe(pr.changeSummary.create);
    expect(Object.keys(up.outputs).sort()).toEqual(["accessHints", "faultTolerance", "instanceIds", "k3sApiUrl", "kineEndpoint", "kubeconfig", "topology", "uiUrl", "ysqlConnectionString"]);
    expect(up.outputs.kubeconfig.secret).toBe(true);
    expect(up.outputs.ysqlConnectionString.secret).toBe(true);
  }, 900_000);

  it("(a) every object of the stack exists in the API server, with the uid the engine recorded", async () => {
    const resources = await kubernetesResources();
    const planned = offlinePlan().resources.filter((r) => r.type.startsWith("kubernetes:") && !r.type.startsWith("pulumi:"));
    expect(resources.map((r) => r.urn).sort()).toEqual(planned.map((r) => r.urn).sort());
    for (const r of resources) {
      const meta = r.outputs?.metadata;
      expect(meta?.name, r.urn).toBeTruthy();
      const live = cp.getJson<KubeObject>(["get", kubectlResource(r.type), meta!.name!, ...(meta!.namespace ? ["-n", meta!.namespace] : [])]);
      expect(live.metadata.uid, r.urn).toBe(meta!.uid);
    }
  }, 300_000);

  it("(a) the scheduler put one YugabyteDB pod on each zone's node (required node affinity and anti-affinity)", () => {
    const pods = cp.getJson<{ items: (KubeObject & { spec: { nodeName?: string } })[] }>(["get", "pods", "-n", NS, "-l", `app.kubernetes.io/name=${K8S_APPS.yugabyte}`]).items;
    const nodes = cp.getJson<{ items: KubeObject[] }>(["get", "nodes"]).items;
    const zoneOfNode = new Map(nodes.map((n) => [n.metadata.name, n.metadata.labels?.[k8sCfg.zoneLabel]]));
    const zones = regions.flatMap((r) => r.zones);
    expect(pods.length).toBe(zones.length);
    for (const p of pods) {
      expect(p.spec.nodeName, p.metadata.name).toBeTruthy();
      expect(zoneOfNode.get(p.spec.nodeName!), p.metadata.name).toBe(p.metadata.labels?.[ZONE_POD_LABEL]);
      expect((p.status as { conditions?: { type: string; status: string }[] }).conditions?.find((c) => c.type === "Ready")?.status).toBe("True");
    }
    expect(new Set(pods.map((p) => p.spec.nodeName)).size).toBe(zones.length);
    // Every PVC of the StatefulSets is Bound (the StorageClass is WaitForFirstConsumer: bound after scheduling); the
    // backup claim stays Pending until the first backup runs (its first consumer), which is what `up` must not wait for.
    const pvcs = cp.getJson<{ items: (KubeObject & { status: { phase: string } })[] }>(["get", "pvc", "-n", NS]).items;
    const [backupClaims, dataClaims] = [pvcs.filter((c) => c.metadata.name === BACKUP_CLAIM), pvcs.filter((c) => c.metadata.name !== BACKUP_CLAIM)];
    expect(dataClaims.length).toBeGreaterThanOrEqual(zones.length);
    for (const c of dataClaims) expect(c.status.phase, c.metadata.name).toBe("Bound");
    expect(backupClaims.map((c) => c.status.phase)).toEqual(["Pending"]);
  });

  it("(a) every PodDisruptionBudget covers the pods it should, all healthy", () => {
    const pdbs = cp.getJson<{ items: (KubeObject & { spec: { selector: { matchLabels: Record<string, string> } }; status: { expectedPods: number; currentHealthy: number; observedGeneration?: number } })[] }>(["get", "pdb", "-n", NS]).items;
    expect(pdbs.length).toBe(3);
    for (const pdb of pdbs) {
      const selector = Object.entries(pdb.spec.selector.matchLabels).map(([k, v]) => `${k}=${v}`).join(",");
      const pods = cp.getJson<{ items: KubeObject[] }>(["get", "pods", "-n", NS, "-l", selector]).items;
      expect(pods.length, pdb.metadata.name).toBeGreaterThan(0);
      expect(pdb.status.expectedPods, pdb.metadata.name).toBe(pods.length);
      expect(pdb.status.currentHealthy, pdb.metadata.name).toBe(pods.length);
    }
  });

  it("(a) the namespace's default service account cannot read its Secrets (RBAC)", () => {
    const canI = (verb: string) => {
      try {
        return cp.kubectl(["auth", "can-i", verb, "secrets", "-n", NS, `--as=system:serviceaccount:${NS}:default`]).trim();
      } catch (e) {
        return String((e as { stdout?: string }).stdout ?? "").trim();
      }
    };
    expect(canI("get")).toBe("no");
    expect(canI("list")).toBe("no");
    // ... while the admin identity can: the check is not vacuous.
    expect(cp.kubectl(["auth", "can-i", "get", "secrets", "-n", NS]).trim()).toBe("yes");
  });

  it("(b) the objects are rows in Kine's table, and our schema is the one Kine kept", async () => {
    for (const r of await kubernetesResources()) {
      const kind = r.type.split(":")[2];
      const prefix = REGISTRY_PREFIX[kind];
      expect(prefix, `no registry prefix known for ${kind}`).toBeDefined();
      const meta = r.outputs!.metadata!;
      const key = kind === "Namespace" ? `${prefix}${meta.name}` : `${prefix}${meta.namespace}/${meta.name}`;
      expect(await cp.kineKeys(key), r.urn).toContain(key);
    }
    const schema = await cp.schemaSnapshot();
    expect(schema).toContain("kine_name_prev_revision_uindex CREATE UNIQUE INDEX kine_name_prev_revision_uindex ON public.kine USING btree (name, prev_revision) INCLUDE (id)");
    expect(schema).toMatch(/^kine_pkey p PRIMARY KEY \(id\)$/m);
    expect(schema).toMatch(/^name text C$/m);
    expect(schema).toBe(schemaAtStart);
  });

  it("(c) a second preview and up change nothing, and refresh finds no drift", async () => {
    const pr = await engine.stack.preview();
    expect(Object.keys(pr.changeSummary).filter((op) => op !== "same")).toEqual([]);
    const up = await engine.stack.up();
    expect(Object.keys(up.summary.resourceChanges ?? {}).filter((op) => op !== "same")).toEqual([]);
    const refresh = await engine.stack.refresh();
    expect(refresh.summary.result).toBe("succeeded");
    expect(Object.keys(refresh.summary.resourceChanges ?? {}).filter((op) => op !== "same")).toEqual([]);
    expect(schemaAtStart).toBe(await cp.schemaSnapshot());
  }, 600_000);

  it("(d) one config key (kine.replicas 2 -> 3) previews as an update of the Kine Deployment only, and applies", async () => {
    const kine = cfg<Record<string, unknown>>("kine");
    await engine.setConfig(stackConfig(cp, { "yb-k3s:kine": { ...kine, replicas: 3 } }));
    const preview = new StepLog();
    await engine.stack.preview({ onEvent: preview.onEvent });
    const changed = preview.ops((op) => op !== "same" && op !== "read").filter((s) => !s.type.startsWith("pulumi:pulumi:Stack"));
    expect(changed.map((s) => `${s.op} ${s.type}`)).toEqual(["update kubernetes:apps/v1:Deployment"]);
    expect(changed[0].detailedDiff).toEqual(["spec.replicas"]);
    const up = await engine.stack.up();
    expect(up.summary.resourceChanges).toMatchObject({ update: 1 });
    const deployment = cp.getJson<{ status: { readyReplicas?: number; updatedReplicas?: number } }>(["get", "deployment", "-n", NS, "-l", `app.kubernetes.io/name=${K8S_APPS.kine}`]) as unknown as { items: { status: { readyReplicas?: number } }[] };
    expect(deployment.items[0].status.readyReplicas).toBe(3);
  }, 600_000);

  it("(d) a tserver flag change rolls the zones one after another, gated, and touches neither Kine nor k3s", async () => {
    const yb = cfg<{ tserverFlags: Record<string, unknown> }>("yugabyte");
    const kine = cfg<Record<string, unknown>>("kine");
    await engine.setConfig(stackConfig(cp, {
      "yb-k3s:kine": { ...kine, replicas: 3 },
      "yb-k3s:yugabyte": { ...yb, tserverFlags: { ...yb.tserverFlags, ysql_max_connections: 400 } },
    }));
    const selector = `app.kubernetes.io/name=${K8S_APPS.yugabyte}`;
    const before = cp.getJson<{ items: (KubeObject & { metadata: { generation: number } })[] }>(["get", "statefulsets", "-n", NS, "-l", selector]).items;
    const stopWatch = cp.watchPods(NS, selector);
    const log = new StepLog();
    const up = await engine.stack.up({ onEvent: log.onEvent });
    const events = await stopWatch();
    expect(up.summary.result).toBe("succeeded");
    const zones = regions.flatMap((r) => r.zones);
    const changed = log.ops((op) => op !== "same" && op !== "read").map((s) => s.urn);
    // Nothing of Kine or k3s is touched by a database change.
    expect(changed.filter((u) => /\$yb-k3s:(kine|k3s):/.test(u))).toEqual([]);
    // Zone i+1's StatefulSet starts only after zone i's StatefulSet update AND its gate Job have finished.
    for (let i = 0; i + 1 < zones.length; i++) {
      const sts = (z: string) => `::yugabyte-${yugabyteStatefulSetName(z)}`;
      const gateDone = log.index("done", `::yugabyte-${yugabyteRolloutJobName(zones[i])}`);
      expect(log.index("done", sts(zones[i]), "update")).toBeLessThan(gateDone);
      expect(gateDone, `${zones[i + 1]} waited for ${zones[i]}'s gate`).toBeLessThan(log.index("pre", sts(zones[i + 1]), "update"));
    }
    // The controller really rolled each zone (generation bumped once) ...
    const after = cp.getJson<{ items: (KubeObject & { metadata: { generation: number } })[] }>(["get", "statefulsets", "-n", NS, "-l", selector]).items;
    for (const s of after) expect(s.metadata.generation, s.metadata.name).toBe(before.find((b) => b.metadata.name === s.metadata.name)!.metadata.generation + 1);
    // ... and the API server's watch never saw two database pods not Ready at once.
    const ready = new Map<string, boolean>(); // every pod starts Ready (checked in (a)); a pod absent from it is Ready
    let worst = 0;
    for (const e of events) {
      ready.set(e.name, e.ready);
      worst = Math.max(worst, [...ready.values()].filter((r) => !r).length);
    }
    expect(events.some((e) => !e.ready), "the watch saw the restarts").toBe(true);
    expect(worst).toBeLessThanOrEqual(1);
  }, 900_000);

  it("(d) scale out to two nodes per zone and back in: zone by zone, claims of removed pods retained", async () => {
    const kine = cfg<Record<string, unknown>>("kine");
    const zones = regions.flatMap((r) => r.zones);
    const selector = `app.kubernetes.io/name=${K8S_APPS.yugabyte}`;
    const withNodesPerZone = (n: number) => stackConfig(cp, {
      "yb-k3s:kine": { ...kine, replicas: 3 },
      "yb-k3s:regions": regions.map((r) => ({ ...r, nodesPerZone: n })),
    });
    const sts = (z: string) => `::yugabyte-${yugabyteStatefulSetName(z)}`;
    type Pod = KubeObject & { spec: { nodeName?: string } };

    // Out: every zone's StatefulSet to 2 replicas, one zone after another, each new pod on its own node of that zone.
    await engine.setConfig(withNodesPerZone(2));
    const out = new StepLog();
    expect((await engine.stack.up({ onEvent: out.onEvent })).summary.result).toBe("succeeded");
    for (let i = 0; i + 1 < zones.length; i++)
      expect(out.index("done", `::yugabyte-${yugabyteRolloutJobName(zones[i])}`)).toBeLessThan(out.index("pre", sts(zones[i + 1]), "update"));
    const pods = cp.getJson<{ items: Pod[] }>(["get", "pods", "-n", NS, "-l", selector]).items;
    expect(pods.length).toBe(2 * zones.length);
    expect(new Set(pods.map((p) => p.spec.nodeName)).size).toBe(pods.length);
    for (const p of pods) expect(p.spec.nodeName, p.metadata.name).toContain(p.metadata.labels?.[ZONE_POD_LABEL]);
    const claimsOut = cp.getJson<{ items: KubeObject[] }>(["get", "pvc", "-n", NS, "-l", selector]).items.map((c) => c.metadata.name).sort();

    // In: back to one per zone; the scale-in drain Job runs before the first StatefulSet shrinks; claims are retained.
    await engine.setConfig(withNodesPerZone(1));
    const back = new StepLog();
    expect((await engine.stack.up({ onEvent: back.onEvent })).summary.result).toBe("succeeded");
    const firstShrink = Math.min(...zones.map((z) => back.index("pre", sts(z), "update")));
    const drain = back.timeline.findIndex((t) => t.at === "done" && /scale-in/.test(t.urn));
    expect(drain, "the scale-in drain Job ran").toBeGreaterThanOrEqual(0);
    expect(drain).toBeLessThan(firstShrink);
    expect(cp.getJson<{ items: Pod[] }>(["get", "pods", "-n", NS, "-l", selector]).items.length).toBe(zones.length);
    const claimsIn = cp.getJson<{ items: KubeObject[] }>(["get", "pvc", "-n", NS, "-l", selector]).items.map((c) => c.metadata.name).sort();
    expect(claimsIn).toEqual(claimsOut); // whenScaled: Retain — a later scale-out finds its data again
  }, 900_000);

  it("(f) a backup run from the CronJob completes, binds the backup claim, and verify's backup-age reads it from the API", async () => {
    // kwok completes the Job's pod without running ysql_dump (it runs no containers): what is real here is the CronJob
    // the engine created, the Job the controller makes from its template, the claim binding on first use, and the
    // status verify reads. The dump itself runs for real in test/integration/backup-restore.test.ts.
    const plan = buildPlan({ project: PROJECT, stack: STACK, topology: validateStack(file) });
    const b = plan.backup.offCluster!;
    expect(evaluateBackupAge(b, undefined, new Date()).status).toBe("fail"); // no run yet: the check can fail
    cp.kubectl(["create", "job", "-n", NS, `--from=cronjob/${KINE_BACKUP_NAME}`, "kine-backup-e2e"]);
    const selector = `app.kubernetes.io/name=${K8S_APPS.backup},app.kubernetes.io/instance=${plan.prefix}`;
    type JobList = { items: (KubeObject & { status?: { completionTime?: string; conditions?: { type: string; status: string }[] } })[] };
    await waitFor("the backup Job to complete", () => newestSuccessfulRun(cp.getJson<JobList>(["get", "jobs", "-n", NS, "-l", selector]).items, undefined) !== undefined, 120_000);
    const jobs = cp.getJson<JobList>(["get", "jobs", "-n", NS, "-l", selector]).items;
    const latest = newestSuccessfulRun(jobs, cp.getJson<{ status?: { lastSuccessfulTime?: string } }>(["get", "cronjob", "-n", NS, KINE_BACKUP_NAME]).status?.lastSuccessfulTime);
    const result = evaluateBackupAge(b, latest, new Date());
    expect(result.status, result.detail).toBe("ok");
    expect(result.detail).toMatch(/job\/kine-backup-e2e/);
    // The job's pod mounted the claim: WaitForFirstConsumer bound it now.
    expect(cp.getJson<{ status: { phase: string } }>(["get", "pvc", "-n", NS, BACKUP_CLAIM]).status.phase).toBe("Bound");
    // Two intervals later the same run is stale: verify would say backups are failing.
    expect(evaluateBackupAge(b, latest, new Date(Date.now() + (2 * b.intervalMinutes + 11) * 60_000)).status).toBe("fail");
  }, 300_000);

  it("(e) destroy refuses while data is protected and deletes nothing protected", async () => {
    const protectedUrns = (await engine.stack.exportStack()).deployment.resources.filter((r: StateResource) => r.protect).map((r: StateResource) => r.urn);
    // The data and what unlocks it: volumes' namespace, database StatefulSets, the passwords, the k3s token and CAs.
    for (const must of ["RandomPassword::control-plane-k3s-token", "RandomPassword::control-plane-kine-db-password", "PrivateKey::control-plane-k3s-pki-server-ca-key", "Namespace::control-plane-platform-namespace"]) {
      expect(protectedUrns.some((u: string) => u.endsWith(must)), must).toBe(true);
    }
    const pvcsBefore = cp.getJson<{ items: KubeObject[] }>(["get", "pvc", "-n", NS]).items;
    const destroy = new StepLog();
    await expect(engine.stack.destroy({ onEvent: destroy.onEvent })).rejects.toThrow(/protected/);
    const after = (await engine.stack.exportStack()).deployment.resources.map((r: StateResource) => r.urn);
    for (const u of protectedUrns) expect(after).toContain(u);
    expect(cp.getJson<KubeObject>(["get", "namespace", NS]).metadata.name).toBe(NS);
    const yugabyteSets = cp.getJson<{ items: KubeObject[] }>(["get", "statefulsets", "-n", NS, "-l", `app.kubernetes.io/name=${K8S_APPS.yugabyte}`]).items;
    expect(yugabyteSets.length).toBe(regions.flatMap((r) => r.zones).length);
    // What the engine did delete before it stopped: its StatefulSets' volume claims are still there (Retain).
    const deletedSets = destroy.ops((op) => op === "delete").filter((s) => s.type === "kubernetes:apps/v1:StatefulSet");
    const pvcsAfter = cp.getJson<{ items: KubeObject[] }>(["get", "pvc", "-n", NS]).items.map((c) => c.metadata.uid);
    for (const c of pvcsBefore) expect(pvcsAfter, c.metadata.name).toContain(c.metadata.uid);
    process.stdout.write(`protected destroy deleted ${destroy.ops((op) => op === "delete").length} resources (${deletedSets.length} StatefulSets); ${pvcsAfter.length} PVCs kept\n`);
  }, 600_000);

  it("(e) with protectData off, destroy deletes everything, the namespace and with it the retained claims", async () => {
    expect(cp.getJson<{ items: KubeObject[] }>(["get", "pvc", "-n", NS]).items.length).toBeGreaterThan(0);
    // Backups stay on (their default follows protectData): a plan without them would delete the protected claim.
    await engine.setConfig(stackConfig(cp, { "yb-k3s:protectData": false, "yb-k3s:backup": { offCluster: { enabled: true } } }));
    const up = await engine.stack.up();
    expect(up.summary.result).toBe("succeeded");
    const destroy = await engine.stack.destroy();
    expect(destroy.summary.result).toBe("succeeded");
    expect((await engine.stack.exportStack()).deployment.resources ?? []).toEqual([]);
    // The provider waits until the namespace is gone: the namespace controller has deleted everything in it, claims
    // included (a StatefulSet's Retain policy keeps claims only while their namespace exists).
    const namespaces = cp.getJson<{ items: KubeObject[] }>(["get", "namespaces"]).items.map((n) => n.metadata.name);
    expect(namespaces).not.toContain(NS);
    for (const kind of ["statefulsets", "deployments", "jobs", "services", "secrets", "poddisruptionbudgets", "networkpolicies", "pvc"]) {
      expect(cp.getJson<{ items: KubeObject[] }>(["get", kind, "-A", "-l", "app.kubernetes.io/part-of=yb-k3s"]).items.map((o) => o.metadata.name), kind).toEqual([]);
    }
  }, 900_000);
});
