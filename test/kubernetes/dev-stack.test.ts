/**
 * Issue 3: the `dev` stack (kubernetes target) run through the real program under the strict mock engine. Every
 * Kubernetes object is validated against the OpenAPI schema, then the behaviour a reviewer cares about is checked on
 * the recorded objects themselves (never on hard-coded copies of them).
 */
import { beforeAll, describe, expect, it } from "vitest";
import { planStack, type PlanReport } from "../../lib/plan";
import type { RecordedResource } from "../../lib/planRunner";
import { readStackFile, stackFilePath } from "../../lib/stackFile";
import { mockSecret, resourceStates } from "../../lib/mocks/registry";
import { BOOTSTRAP_ENV, renderBootstrapScript } from "../../planner/bootstrap";
import { parseYugabytedFlags, REQUIRED_TSERVER_FLAGS } from "../../planner/flags";
import { KINE_ENDPOINT_ENV, kineArgs } from "../../planner/kine";
import { KUBERNETES_NAMES } from "../../planner/plan";
import { ports, sensitivePorts } from "../../planner/ports";
import { K3S_TLS_DIR } from "../../components/k3sPki";
import { expandPodName } from "../../components/k3sServers.kubernetes";
import {
  WORKLOAD_KINDS,
  k8sObjects,
  launcherArms,
  named,
  ofKind,
  podTemplate,
  ingressAllowed,
  selectorMatches,
  spec,
  validateAgainstSchema,
  type Obj,
} from "./support";

let report: PlanReport;
const ns = "yb-k3s";
const zoneLabel = "topology.kubernetes.io/zone";

beforeAll(async () => {
  report = await planStack(readStackFile(stackFilePath("dev"), "dev"));
}, 120_000);

const ybStatefulSets = (): RecordedResource[] => ofKind(report, "StatefulSet").filter((r) => (r.inputs as Obj).metadata.name.startsWith("yb-"));
const workloads = (): RecordedResource[] => WORKLOAD_KINDS.flatMap((k) => ofKind(report, k));
const container = (r: RecordedResource, name?: string): Obj => {
  const cs = podTemplate(r).spec.containers as Obj[];
  return name ? (cs.find((c) => c.name === name) as Obj) : cs[0];
};
const byUrn = (urn: string): RecordedResource => report.recorded.find((r) => r.urn === urn) as RecordedResource;

describe("dev stack: shape", () => {
  it("targets kubernetes with 3 zones, RF 3, 2 Kine replicas and 2 k3s servers", () => {
    expect(report.target).toBe("kubernetes");
    expect(report.plan.replicationFactor).toBe(3);
    expect(new Set(report.nodes.map((n) => n.zone)).size).toBe(3);
    expect(report.plan.kine.replicas).toHaveLength(2);
    expect(report.plan.k3s.servers).toHaveLength(2);
    expect(report.plan.protectData).toBe(true);
  });

  it("registers every kind the target needs", () => {
    const kinds = new Set(k8sObjects(report).map((r) => r.type));
    expect([...kinds].sort()).toEqual(
      [
        "kubernetes:apps/v1:Deployment",
        "kubernetes:apps/v1:StatefulSet",
        "kubernetes:batch/v1:Job",
        // The off-cluster backups: a CronJob writing to a claim of its own (test/kubernetes/backups.test.ts).
        "kubernetes:batch/v1:CronJob",
        "kubernetes:core/v1:PersistentVolumeClaim",
        "kubernetes:core/v1:Namespace",
        "kubernetes:core/v1:Secret",
        "kubernetes:core/v1:Service",
        "kubernetes:networking.k8s.io/v1:NetworkPolicy",
        "kubernetes:policy/v1:PodDisruptionBudget",
        // The rollout gates' service account, allowed to read their zones' StatefulSets.
        "kubernetes:core/v1:ServiceAccount",
        "kubernetes:rbac.authorization.k8s.io/v1:Role",
        "kubernetes:rbac.authorization.k8s.io/v1:RoleBinding",
      ].sort(),
    );
  });
});

describe("dev stack: strict mocks", () => {
  it("lib/mocks models exactly the Kubernetes types the target registers (unknown types throw, none is dead)", () => {
    const modelled = [...resourceStates.keys()].filter((t) => t.startsWith("kubernetes:")).sort();
    const used = [...new Set(k8sObjects(report).map((r) => r.type))].sort();
    expect(modelled).toEqual(used);
    expect(resourceStates.has("pulumi:providers:kubernetes")).toBe(true);
  });
});

describe("dev stack: every Kubernetes object is valid against the OpenAPI schema", () => {
  it("validates all of them (kubernetes-models)", async () => {
    const objects = k8sObjects(report);
    expect(objects.length).toBeGreaterThan(15);
    const failures: string[] = [];
    for (const r of objects) {
      try {
        await validateAgainstSchema(r);
      } catch (e) {
        failures.push(`${r.type} ${r.name}: ${(e as Error).message}`);
      }
    }
    expect(failures).toEqual([]);
  });

  it("the validator really rejects a malformed object (negative control)", async () => {
    const good = named(report, "StatefulSet", "k3s");
    const bad = { ...good, inputs: { ...(good.inputs as Obj), spec: { ...spec(good), replicas: "two", persistentVolumeClaimRetentionPolicy: { whenDeleted: 1 } } } };
    await expect(validateAgainstSchema(bad)).rejects.toThrow(/replicas/);
  });

  it("every namespaced object lives in the stack's namespace, with apiVersion and kind set", () => {
    for (const r of k8sObjects(report)) {
      const i = r.inputs as Obj;
      expect(typeof i.apiVersion, r.name).toBe("string");
      expect(typeof i.kind, r.name).toBe("string");
      if (i.kind !== "Namespace") expect(i.metadata.namespace, r.name).toBe(ns);
    }
  });
});

describe("dev stack: explicit provider and namespace", () => {
  it("builds the provider from config (context), never the ambient kubeconfig, and uses it for every object", () => {
    const providers = report.recorded.filter((r) => r.type === "pulumi:providers:kubernetes");
    expect(providers).toHaveLength(1);
    expect((providers[0].inputs as Obj).context).toBe("dev");
    for (const r of k8sObjects(report)) expect(r.provider, r.name).toMatch(new RegExp(`^${providers[0].urn.replace(/[$]/g, "\\$")}::`));
  });

  it("creates the namespace with pod-security labels, protected and retained (it owns the PVCs)", () => {
    const nsObj = named(report, "Namespace", ns);
    const labels = (nsObj.inputs as Obj).metadata.labels;
    expect(labels["pod-security.kubernetes.io/enforce"]).toBe("privileged");
    expect(labels["pod-security.kubernetes.io/audit"]).toBe("baseline");
    expect(nsObj.protect).toBe(true);
    expect(nsObj.retainOnDelete).toBe(true);
  });
});

describe("dev stack: YugabyteDB StatefulSets", () => {
  it("one StatefulSet per zone named yb-<zone>, replicas = nodes in that zone", () => {
    const sts = ybStatefulSets();
    const zones = report.plan.regions.flatMap((r) => r.zones);
    expect(sts.map((s) => (s.inputs as Obj).metadata.name).sort()).toEqual(zones.map((z) => `yb-${z}`).sort());
    for (const zone of zones) {
      const s = named(report, "StatefulSet", `yb-${zone}`);
      expect(spec(s).replicas).toBe(report.plan.nodes.filter((n) => n.zone === zone).length);
    }
  });

  it("pins each StatefulSet to exactly its zone with required node affinity on the zone label", () => {
    for (const zone of report.plan.regions.flatMap((r) => r.zones)) {
      const terms = podTemplate(named(report, "StatefulSet", `yb-${zone}`)).spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms;
      expect(terms).toHaveLength(1);
      expect(terms[0].matchExpressions).toEqual([{ key: zoneLabel, operator: "In", values: [zone] }]);
    }
  });

  it("requires pod anti-affinity on kubernetes.io/hostname across ALL YugabyteDB pods, of every zone", () => {
    const sts = ybStatefulSets();
    for (const s of sts) {
      const terms = podTemplate(s).spec.affinity.podAntiAffinity.requiredDuringSchedulingIgnoredDuringExecution as Obj[];
      expect(terms).toHaveLength(1);
      expect(terms[0].topologyKey).toBe("kubernetes.io/hostname");
      // The term's selector must match the pods of every zone's StatefulSet, not just its own.
      for (const other of sts) expect(selectorMatches(terms[0].labelSelector, podTemplate(other).metadata.labels), `${s.name} vs ${other.name}`).toBe(true);
    }
  });

  it("pods are the plan's nodes: StatefulSet pod names and headless-service DNS equal the plan's names and addresses", () => {
    const pods = ybStatefulSets().flatMap((s) => Array.from({ length: spec(s).replicas as number }, (_, i) => ({ pod: `${(s.inputs as Obj).metadata.name}-${i}`, svc: spec(s).serviceName })));
    expect(pods.map((p) => p.pod).sort()).toEqual(report.plan.nodes.map((n) => n.name).sort());
    for (const p of pods) {
      const node = report.plan.nodes.find((n) => n.name === p.pod);
      expect(node?.address).toBe(`${p.pod}.${p.svc}.${ns}.svc.cluster.local`);
    }
  });

  it("each pod runs exactly the plan's yugabyted arguments (per-ordinal case arms), with the sequence-cache flag", () => {
    const seen = new Set<string>();
    for (const s of ybStatefulSets()) {
      const c = container(s, "yugabyted");
      expect(c.command.slice(0, 2)).toEqual(["/bin/bash", "-c"]);
      expect(c.env).toContainEqual({ name: "POD_NAME", valueFrom: { fieldRef: { fieldPath: "metadata.name" } } });
      const arms = launcherArms(c.command[2]);
      expect(arms.size).toBe(spec(s).replicas);
      for (const [pod, argv] of arms) {
        const node = report.plan.nodes.find((n) => n.name === pod);
        expect(node, pod).toBeDefined();
        expect(argv).toEqual([`${report.plan.yugabyte.binDir}/yugabyted`, ...(node?.yugabytedArgs ?? [])]);
        const tserver = argv.find((a) => a.startsWith("--tserver_flags=")) as string;
        const flags = parseYugabytedFlags(tserver.slice("--tserver_flags=".length));
        for (const [k, v] of Object.entries(REQUIRED_TSERVER_FLAGS)) expect(flags[k], `${pod} ${k}`).toBe(v);
        expect(flags.ysql_sequence_cache_minval).toBe("1");
        seen.add(pod);
      }
      // A pod the plan does not know refuses to start.
      expect(c.command[2]).toMatch(/\*\)\n.*\n {4}exit 1/);
    }
    expect(seen.size).toBe(report.plan.nodes.length);
  });

  it("retains volumes (whenDeleted/whenScaled Retain), uses the configured StorageClass and size, and is protected", () => {
    for (const s of ybStatefulSets()) {
      expect(spec(s).persistentVolumeClaimRetentionPolicy).toEqual({ whenDeleted: "Retain", whenScaled: "Retain" });
      const [vct] = spec(s).volumeClaimTemplates as Obj[];
      expect(vct.spec.storageClassName).toBe("gp3");
      expect(vct.spec.resources.requests.storage).toBe("50Gi");
      expect(container(s).volumeMounts.map((m: Obj) => m.name)).toContain(vct.metadata.name);
      expect(report.plan.yugabyte.baseDir.startsWith(container(s).volumeMounts[0].mountPath)).toBe(true);
      expect(s.protect).toBe(true);
    }
  });

  it("sets requests = limits from config, probes, and a non-privileged container", () => {
    for (const s of ybStatefulSets()) {
      const c = container(s);
      expect(c.resources).toEqual({ requests: { cpu: "2", memory: "4Gi" }, limits: { cpu: "2", memory: "4Gi" } });
      expect(c.readinessProbe.exec.command.join(" ")).toContain("pg_isready");
      expect(c.livenessProbe.tcpSocket.port).toBe(ports.ysql);
      expect(c.securityContext.privileged).toBe(false);
      expect(c.securityContext.allowPrivilegeEscalation).toBe(false);
    }
  });

  it("the headless service publishes not-ready addresses and selects every YugabyteDB pod", () => {
    const svc = named(report, "Service", KUBERNETES_NAMES.headlessService);
    expect(spec(svc).clusterIP).toBe("None");
    expect(spec(svc).publishNotReadyAddresses).toBe(true);
    for (const s of ybStatefulSets()) expect(selectorMatches({ matchLabels: spec(svc).selector }, podTemplate(s).metadata.labels)).toBe(true);
    const ysql = named(report, "Service", KUBERNETES_NAMES.ysqlService);
    expect(spec(ysql).type).toBe("ClusterIP");
    expect(spec(ysql).ports.map((p: Obj) => p.port)).toEqual([ports.ysql]);
  });

  it("node 0's zone first, then each zone's StatefulSet after the previous zone's rollout gate (which waits for that StatefulSet)", () => {
    const zones = ybStatefulSets().map((s) => (s.inputs as Obj).metadata.name as string);
    expect(zones[0]).toBe(`yb-${report.plan.nodes[0].zone}`);
    ybStatefulSets().forEach((s, i) => {
      const gate = named(report, "Job", `yb-rollout-${zones[i].slice(3)}`);
      expect(gate.dependsOn).toContain(s.urn);
      if (i > 0) expect(s.dependsOn).toContain(named(report, "Job", `yb-rollout-${zones[i - 1].slice(3)}`).urn);
    });
  });
});

describe("dev stack: workload selectors and PodDisruptionBudgets", () => {
  it("every workload's selector matches its own pod template and no other workload's", () => {
    const all = workloads().filter((w) => (w.inputs as Obj).kind !== "Job");
    for (const w of all) {
      for (const other of workloads()) {
        const matches = selectorMatches(spec(w).selector, podTemplate(other).metadata.labels);
        expect(matches, `${w.name} selector vs ${other.name} pods`).toBe(w === other);
      }
    }
  });

  it("each PDB covers exactly the pods it is meant for (computed from selectors, not names)", () => {
    const covered = (pdb: RecordedResource) =>
      workloads()
        .filter((w) => selectorMatches(spec(pdb).selector, podTemplate(w).metadata.labels))
        .map((w) => (w.inputs as Obj).metadata.name)
        .sort();
    const pdbs = ofKind(report, "PodDisruptionBudget");
    const yb = pdbs.filter((p) => covered(p).some((n: string) => n.startsWith("yb-")));
    expect(yb).toHaveLength(1);
    expect(covered(yb[0])).toEqual(ybStatefulSets().map((s) => (s.inputs as Obj).metadata.name).sort());
    expect(spec(yb[0]).maxUnavailable).toBe(1);

    const kine = pdbs.filter((p) => covered(p).includes("kine"));
    expect(kine).toHaveLength(1);
    expect(covered(kine[0])).toEqual(["kine"]);
    expect(spec(kine[0]).minAvailable).toBe(1);

    // The bootstrap Job is covered by no budget; every PDB covers at least one workload.
    for (const p of pdbs) {
      expect(covered(p).length, p.name).toBeGreaterThan(0);
      expect(covered(p), p.name).not.toContain("yb-bootstrap");
    }
  });
});

describe("dev stack: bootstrap Job and ordering", () => {
  it("runs the plan's bootstrap script with secrets from a Secret, bounded, and without a TTL", () => {
    const job = named(report, "Job", "yb-bootstrap");
    const s = spec(job);
    expect(s.backoffLimit).toBeGreaterThan(0);
    expect(s.activeDeadlineSeconds).toBeGreaterThan(600);
    expect(s.ttlSecondsAfterFinished).toBeUndefined();
    expect((job.inputs as Obj).metadata.annotations["pulumi.com/replaceUnready"]).toBe("true");
    expect(s.template.spec.restartPolicy).toBe("Never");
    const c = container(job);
    expect(c.command).toEqual(["/bin/bash", "-c", renderBootstrapScript(report.plan)]);
    expect(c.image).toBe(report.plan.yugabyte.image);
    const secretName = named(report, "Secret", "yb-bootstrap");
    for (const key of Object.values(BOOTSTRAP_ENV)) {
      expect(c.env).toContainEqual({ name: key, valueFrom: { secretKeyRef: { name: (secretName.inputs as Obj).metadata.name, key } } });
    }
    expect(job.dependsOn).toContain(secretName.urn);
  });

  it("the Job waits for every YugabyteDB StatefulSet; Kine waits for the Job; k3s waits for Kine", () => {
    const job = named(report, "Job", "yb-bootstrap");
    for (const s of ybStatefulSets()) expect(job.dependsOn).toContain(s.urn);
    const kine = named(report, "Deployment", "kine");
    expect(kine.dependsOn).toContain(job.urn);
    const k3s = named(report, "StatefulSet", "k3s");
    expect(k3s.dependsOn).toContain(kine.urn);
    expect(byUrn(job.urn).type).toBe("kubernetes:batch/v1:Job");
  });
});

describe("dev stack: Kine", () => {
  it("runs plan.kine.replicas replicas spread across zones (DoNotSchedule)", () => {
    const d = named(report, "Deployment", "kine");
    expect(spec(d).replicas).toBe(report.plan.kine.replicas.length);
    const [tsc] = podTemplate(d).spec.topologySpreadConstraints as Obj[];
    expect(tsc).toMatchObject({ topologyKey: zoneLabel, whenUnsatisfiable: "DoNotSchedule", maxSkew: 1 });
    expect(selectorMatches(tsc.labelSelector, podTemplate(d).metadata.labels)).toBe(true);
  });

  it("takes its DSN from a Secret as KINE_ENDPOINT, never on the command line", () => {
    const d = named(report, "Deployment", "kine");
    const c = container(d, "kine");
    expect(c.args).toEqual(kineArgs({}));
    expect(c.args.some((a: string) => a.startsWith("--endpoint"))).toBe(false);
    const secret = named(report, "Secret", "kine-datastore");
    expect(c.env).toEqual([{ name: KINE_ENDPOINT_ENV, valueFrom: { secretKeyRef: { name: "kine-datastore", key: KINE_ENDPOINT_ENV } } }]);
    expect((secret.inputs as Obj).stringData).toBe("[secret]");
    expect(c.readinessProbe.tcpSocket.port).toBe(ports.kine);
    expect(c.livenessProbe.tcpSocket.port).toBe(ports.kine);
    expect(c.resources.requests).toBeDefined();
    expect(c.securityContext).toMatchObject({ runAsNonRoot: true, allowPrivilegeEscalation: false, readOnlyRootFilesystem: true });
    // The Kine replicas reach YSQL through the ClusterIP service.
    expect(report.plan.kine.replicas.every((r) => r.database.host === report.plan.yugabyte.ysqlHost)).toBe(true);
    expect(report.plan.yugabyte.ysqlHost).toBe(`${KUBERNETES_NAMES.ysqlService}.${ns}.svc.cluster.local`);
  });

  it("is served by a ClusterIP service `kine` on 2379 that the k3s datastore endpoint names", () => {
    const svc = named(report, "Service", KUBERNETES_NAMES.kineService);
    expect(spec(svc).type).toBe("ClusterIP");
    expect(spec(svc).ports.map((p: Obj) => p.port)).toEqual([ports.kine]);
    expect(selectorMatches({ matchLabels: spec(svc).selector }, podTemplate(named(report, "Deployment", "kine")).metadata.labels)).toBe(true);
    for (const s of report.plan.k3s.servers) expect(s.args).toContain(`--datastore-endpoint=http://${KUBERNETES_NAMES.kineService}.${ns}.svc.cluster.local:${ports.kine}`);
  });
});

describe("dev stack: k3s servers", () => {
  it("runs plan.k3s.servers privileged server pods whose expanded arguments are exactly the plan's", () => {
    const sts = named(report, "StatefulSet", "k3s");
    expect(spec(sts).replicas).toBe(report.plan.k3s.servers.length);
    const c = container(sts, "k3s");
    expect(c.securityContext.privileged).toBe(true);
    expect(c.image).toBe(report.plan.k3s.image);
    report.plan.k3s.servers.forEach((server, i) => {
      expect(`k3s-${i}`).toBe(server.name);
      expect(expandPodName(c.args, `${(sts.inputs as Obj).metadata.name}-${i}`)).toEqual(server.args);
    });
    expect(c.args.some((a: string) => a.includes("--token") || a.includes("--cluster-init"))).toBe(false);
    expect(c.env).toContainEqual({ name: "K3S_TOKEN", valueFrom: { secretKeyRef: { name: "k3s-token", key: "token" } } });
    const [tsc] = podTemplate(sts).spec.topologySpreadConstraints as Obj[];
    expect(tsc).toMatchObject({ topologyKey: zoneLabel, whenUnsatisfiable: "DoNotSchedule" });
  });

  it("mounts every CA file at its k3s path from the PKI Secret, and memory emptyDirs on /run and /var/run", () => {
    const sts = named(report, "StatefulSet", "k3s");
    const c = container(sts, "k3s");
    const volumes = podTemplate(sts).spec.volumes as Obj[];
    const pkiVolume = volumes.find((v) => v.secret?.secretName === "k3s-pki") as Obj;
    expect(pkiVolume).toBeDefined();
    const pkiMounts = (c.volumeMounts as Obj[]).filter((m) => m.name === pkiVolume.name);
    const paths = pkiMounts.map((m) => m.mountPath).sort();
    const expected = ["server-ca", "client-ca", "request-header-ca", "etcd/peer-ca", "etcd/server-ca"].flatMap((s) => [`${K3S_TLS_DIR}/${s}.crt`, `${K3S_TLS_DIR}/${s}.key`]);
    expect(paths).toEqual([...expected, `${K3S_TLS_DIR}/service.key`].sort());
    for (const m of pkiMounts) {
      expect(m.subPath).toMatch(/^[-._a-zA-Z0-9]+$/);
      expect(m.readOnly).toBe(true);
    }
    for (const dir of ["/run", "/var/run"]) {
      const m = (c.volumeMounts as Obj[]).find((x) => x.mountPath === dir) as Obj;
      expect(volumes.find((v) => v.name === m.name)?.emptyDir).toEqual({ medium: "Memory" });
    }
  });

  it("keeps each server's local state and node identity on a retained volume (a restarted server keeps its node password)", () => {
    const sts = named(report, "StatefulSet", "k3s");
    const [vct] = spec(sts).volumeClaimTemplates as Obj[];
    expect(vct.spec.resources.requests.storage).toBe("20Gi");
    expect(vct.spec.storageClassName).toBe("gp3");
    expect(spec(sts).persistentVolumeClaimRetentionPolicy).toEqual({ whenDeleted: "Retain", whenScaled: "Retain" });
    const mounts = (container(sts, "k3s").volumeMounts as Obj[]).filter((m) => m.name === vct.metadata.name);
    expect(mounts.map((m) => m.mountPath).sort()).toEqual(["/etc/rancher/node", "/var/lib/rancher/k3s"]);
    // Nothing else in the pod template may shadow the claim with a pod volume of the same name.
    expect((podTemplate(sts).spec.volumes as Obj[]).some((v) => v.name === vct.metadata.name)).toBe(false);
  });

  it("serves a certificate for every in-cluster name of the `k3s` service (agents join with K3S_URL=https://k3s.<ns>.svc:6443)", () => {
    const args = container(named(report, "StatefulSet", "k3s"), "k3s").args as string[];
    for (const host of [`k3s.${ns}.svc.cluster.local`, `k3s.${ns}.svc`, `k3s.${ns}`, "k3s", "127.0.0.1"]) expect(args).toContain(`--tls-san=${host}`);
  });

  it("exposes only 6443 through a ClusterIP service `k3s`, and outputs a secret kubeconfig for it", () => {
    const svc = named(report, "Service", KUBERNETES_NAMES.k3sService);
    expect(spec(svc).type).toBe("ClusterIP");
    expect(spec(svc).ports.map((p: Obj) => p.port)).toEqual([ports.k3sApi]);
    expect(report.outputs.kubeconfig).toBe("[secret]");
    expect(report.outputs.k3sApiUrl).toBe(`https://${KUBERNETES_NAMES.k3sService}.${ns}.svc.cluster.local:6443`);
  });
});

describe("dev stack: exposure and secrets", () => {
  it("nothing that speaks SQL, YugabyteDB RPC or etcd is exposed outside the cluster", () => {
    for (const svc of ofKind(report, "Service")) {
      const s = spec(svc);
      const type = s.type ?? "ClusterIP";
      const exposed = type === "LoadBalancer" || type === "NodePort";
      for (const p of s.ports as Obj[]) {
        expect(p.nodePort, svc.name).toBeUndefined();
        if (exposed) expect(sensitivePorts, `${svc.name} exposes ${p.port}`).not.toContain(p.port);
      }
      if (exposed) expect((s.ports as Obj[]).map((p) => p.port)).toEqual([ports.k3sApi]);
      expect(s.externalIPs, svc.name).toBeUndefined();
    }
    for (const w of workloads()) {
      const pod = podTemplate(w).spec;
      expect(pod.hostNetwork, w.name).toBeFalsy();
      for (const c of pod.containers as Obj[]) for (const p of (c.ports ?? []) as Obj[]) expect(p.hostPort, `${w.name} ${c.name}`).toBeUndefined();
    }
  });

  it("every Secret's data is redacted, and no generated password appears anywhere in plaintext", () => {
    for (const s of ofKind(report, "Secret")) expect((s.inputs as Obj).stringData, s.name).toBe("[secret]");
    const rendered = JSON.stringify(report.resources);
    for (const [name, length] of [
      ["control-plane-ysql-admin-password", 32],
      ["control-plane-kine-db-password", 32],
      ["control-plane-k3s-token", 48],
    ] as const) {
      expect(rendered).not.toContain(mockSecret(name, length));
    }
  });
});

describe("dev stack: network policies inside the host cluster", () => {
  const labelsOf = (kind: string, name: string) => podTemplate(named(report, kind, name)).metadata.labels as Record<string, string>;
  const policies = () => ofKind(report, "NetworkPolicy").map((r) => r.inputs as Obj);

  it("YSQL answers YugabyteDB peers, the bootstrap Job and Kine, and nobody else (not k3s, not a stranger)", () => {
    const yb = labelsOf("StatefulSet", `yb-${report.plan.nodes[0].zone}`);
    const allowed = (src: Record<string, string>, port: number) => ingressAllowed(policies(), src, yb, port);
    expect(allowed(labelsOf("StatefulSet", `yb-${report.plan.nodes[1].zone}`), ports.tserverRpc)).toBe(true);
    expect(allowed(labelsOf("StatefulSet", `yb-${report.plan.nodes[1].zone}`), ports.masterRpc)).toBe(true);
    expect(allowed(labelsOf("Job", "yb-bootstrap"), ports.masterRpc)).toBe(true);
    expect(allowed(labelsOf("Job", "yb-bootstrap"), ports.ysql)).toBe(true);
    expect(allowed(labelsOf("Deployment", "kine"), ports.ysql)).toBe(true);
    expect(allowed(labelsOf("Deployment", "kine"), ports.masterRpc)).toBe(false);
    expect(allowed(labelsOf("StatefulSet", "k3s"), ports.ysql)).toBe(false);
    expect(allowed({ app: "stranger" }, ports.ysql)).toBe(false);
  });

  it("Kine's etcd port answers only the k3s servers; its metrics stay scrapeable", () => {
    const kine = labelsOf("Deployment", "kine");
    expect(ingressAllowed(policies(), labelsOf("StatefulSet", "k3s"), kine, ports.kine)).toBe(true);
    expect(ingressAllowed(policies(), labelsOf("Job", "yb-bootstrap"), kine, ports.kine)).toBe(false);
    expect(ingressAllowed(policies(), { app: "stranger" }, kine, ports.kine)).toBe(false);
    expect(ingressAllowed(policies(), { app: "prometheus" }, kine, ports.kineMetrics)).toBe(true);
  });

  it("the k3s API stays reachable for agents (no policy selects the k3s pods)", () => {
    expect(ingressAllowed(policies(), { app: "agent" }, labelsOf("StatefulSet", "k3s"), ports.k3sApi)).toBe(true);
  });
});
