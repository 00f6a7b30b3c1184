import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { BOOTSTRAP_ENV, renderBootstrapScript } from "../planner/bootstrap";
import { KUBERNETES_NAMES, type NodePlan } from "../planner/plan";
import { ports } from "../planner/ports";
import type { KubernetesPlatform } from "./platform";
import type { YugabyteClusterArgs, YugabyteClusterBuild } from "./yugabyteCluster";
import { requireTls, tlsSecretData, tlsSecretVolume, type TlsFile } from "./controlPlanePki";
import { BOOTSTRAP_TLS_FILES, TLS_DIRS } from "../planner/tls";
import { ROLLOUT_TIMING, renderDrainScript, renderRejoinGateScript, renderScaleInDrainScript, renderUndrainInBackground, yugabyteZoneOrder } from "../planner/rollout";
import { createHash } from "node:crypto";
import { K8S_APPS, POD_NAME_ENV, POD_NAMESPACE_ENV, ZONE_POD_LABEL, k8sOpts, meta, objectLabels, selectorLabels, shq, yugabyteStatefulSetName, zoneAffinity } from "./kubernetes.common";

/** Where the data PersistentVolume is mounted; the plan's baseDir lives below it. */
export const YB_DATA_MOUNT = "/mnt/disk0";
export const YB_BOOTSTRAP_NAME = "yb-bootstrap";
/** The bootstrap may wait up to 600 s for tablet servers, then runs a few idempotent statements. */
export const BOOTSTRAP_DEADLINE_SECONDS = 1800;
export const BOOTSTRAP_BACKOFF_LIMIT = 4;

export { yugabyteStatefulSetName } from "./kubernetes.common";
/** The rollout gate Job of a zone (and its service account / role, shared by every zone). */
export const yugabyteRolloutJobName = (zone: string): string => `yb-rollout-${zone}`;
export const YB_ROLLOUT_ACCOUNT = "yb-rollout";
export const YB_SCALE_IN_JOB = "yb-scale-in";
/** Pod-template annotation on a gate Job: the hash of its StatefulSet's spec, so any change to it re-runs the gate. */
export const ROLLOUT_SPEC_ANNOTATION = "yb-k3s.io/statefulset-spec-sha256";

/**
 * The container command of a zone's StatefulSet. Pods of a StatefulSet share one template, but yugabyted's arguments
 * differ per ordinal (advertise address; node 0 has no --join). Rather than templating, the plan's argument lists are
 * rendered verbatim into a case statement keyed by the pod name (from the downward API): what `pulumi preview` shows is
 * exactly what each pod runs, and a pod the plan does not know (StatefulSet scaled by hand) refuses to start.
 */
export function renderYugabytedLauncher(nodes: readonly NodePlan[], binDir: string, preamble: readonly string[] = []): string {
  const arms = nodes.map((n) => `  ${n.name})\n    exec ${shq(`${binDir}/yugabyted`)} ${n.yugabytedArgs.map(shq).join(" ")}\n    ;;`);
  return [
    "set -eu",
    ...preamble,
    `case "\${POD_NAME}" in`,
    ...arms,
    "  *)",
    `    echo "yb-k3s: no planned yugabyted arguments for pod \${POD_NAME}; change nodesPerZone in the stack config, not the StatefulSet" >&2`,
    "    exit 1",
    "    ;;",
    "esac",
    "",
  ].join("\n");
}

/** Files with the same name (the CA, in every host's list) once. */
const dedupe = (files: readonly TlsFile[]): TlsFile[] => [...new Map(files.map((f) => [f.name, f])).values()];

const containerPorts: k8s.types.input.core.v1.ContainerPort[] = [
  { name: "master-rpc", containerPort: ports.masterRpc },
  { name: "master-ui", containerPort: ports.masterUi },
  { name: "tserver-rpc", containerPort: ports.tserverRpc },
  { name: "tserver-ui", containerPort: ports.tserverUi },
  { name: "ysql", containerPort: ports.ysql },
  { name: "ycql", containerPort: ports.ycql },
  { name: "yugabyted-ui", containerPort: ports.yugabytedUi },
];

export function buildYugabyteKubernetes(parent: pulumi.ComponentResource, name: string, args: YugabyteClusterArgs, p: KubernetesPlatform): YugabyteClusterBuild {
  const { plan } = args;
  const cfg = p.config;
  const ns = cfg.namespace;
  const app = K8S_APPS.yugabyte;
  const podSelector = selectorLabels(plan, app);
  const opts = (extra: pulumi.CustomResourceOptions = {}) => k8sOpts(parent, p, extra);
  const tlsSecret = (resourceName: string, secretName: string, files: readonly TlsFile[]) => {
    const s = new k8s.core.v1.Secret(
      resourceName,
      { metadata: meta(p, secretName, objectLabels(plan, app)), type: "Opaque", stringData: tlsSecretData(files) },
      opts(),
    );
    return { secret: s, volume: tlsSecretVolume("tls", secretName, files) };
  };

  // Headless: one stable DNS name per pod (`yb-<zone>-<n>.yb-nodes.<ns>.svc.cluster.local`, the plan's addresses).
  // publishNotReadyAddresses: peers must resolve each other while they are still joining.
  const headless = new k8s.core.v1.Service(
    `${name}-nodes`,
    {
      metadata: meta(p, KUBERNETES_NAMES.headlessService, objectLabels(plan, app)),
      spec: {
        clusterIP: "None",
        publishNotReadyAddresses: true,
        selector: podSelector,
        ports: containerPorts.map((cp) => ({ name: cp.name as string, port: cp.containerPort as number, targetPort: cp.containerPort })),
      },
    },
    opts(),
  );
  // YSQL for Kine and the bootstrap Job, inside the cluster only (ClusterIP: no NodePort, no LoadBalancer).
  // kube-proxy balances TCP connections; it is not a statement pooler, so Kine's prepared statements are safe.
  const ysql = new k8s.core.v1.Service(
    `${name}-ysql`,
    {
      metadata: meta(p, KUBERNETES_NAMES.ysqlService, objectLabels(plan, app)),
      spec: { type: "ClusterIP", selector: podSelector, ports: [{ name: "ysql", port: ports.ysql, targetPort: ports.ysql }] },
    },
    opts(),
  );

  const tls = requireTls("YugabyteCluster", plan, args.tls);
  // The bootstrap Secret exists before any database pod: with TLS, yugabyted --secure reads YSQL_PASSWORD from it.
  const secret = new k8s.core.v1.Secret(
    `${name}-bootstrap-secret`,
    {
      metadata: meta(p, YB_BOOTSTRAP_NAME, objectLabels(plan, K8S_APPS.bootstrap)),
      type: "Opaque",
      stringData: { [BOOTSTRAP_ENV.adminPassword]: args.adminPassword, [BOOTSTRAP_ENV.kinePassword]: args.kinePassword },
    },
    opts(),
  );
  const secretEnv = (key: string, as: string = key): k8s.types.input.core.v1.EnvVar => ({ name: as, valueFrom: { secretKeyRef: { name: YB_BOOTSTRAP_NAME, key } } });

  const res = cfg.yugabyteResources;
  const bootstrapLabels = objectLabels(plan, K8S_APPS.bootstrap);
  const bootstrapTls = tls ? tlsSecret(`${name}-bootstrap-tls`, `${YB_BOOTSTRAP_NAME}-tls`, tls.filesFor("bootstrap")) : undefined;

  // The rollout gates read their own zone's StatefulSet from the API server: a service account allowed exactly that.
  const zones = yugabyteZoneOrder(plan);
  const rolloutLabels = objectLabels(plan, K8S_APPS.rollout);
  const account = new k8s.core.v1.ServiceAccount(`${name}-rollout`, { metadata: meta(p, YB_ROLLOUT_ACCOUNT, rolloutLabels), automountServiceAccountToken: false }, opts());
  const role = new k8s.rbac.v1.Role(
    `${name}-rollout`,
    {
      metadata: meta(p, YB_ROLLOUT_ACCOUNT, rolloutLabels),
      rules: [{ apiGroups: ["apps"], resources: ["statefulsets"], resourceNames: zones.map(yugabyteStatefulSetName), verbs: ["get"] }],
    },
    opts(),
  );
  const binding = new k8s.rbac.v1.RoleBinding(
    `${name}-rollout`,
    {
      metadata: meta(p, YB_ROLLOUT_ACCOUNT, rolloutLabels),
      roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "Role", name: YB_ROLLOUT_ACCOUNT },
      subjects: [{ kind: "ServiceAccount", name: YB_ROLLOUT_ACCOUNT, namespace: p.namespace }],
    },
    opts({ dependsOn: [account, role] }),
  );

  // Rolling changes, zone after zone (planner/rollout.ts): zone i+1's StatefulSet depends on zone i's gate Job, which
  // completes only once zone i's StatefulSet has really rolled out (read from the API server, not the provider's await)
  // and its nodes are ALIVE, out of the leader blacklist and nothing is under-replicated. Inside a zone the controller
  // restarts one pod at a time (RollingUpdate; maxUnavailable stays at its default of 1, a feature-gated field); each
  // pod's preStop hook drains its leaders first.
  // On the first deployment this is also what makes later zones join a running node 0.
  // Scale-in, before any StatefulSet changes (a lower replica count removes pods at once): drain every tablet server
  // the plan no longer has (data blacklist, load move to 100%). A no-op on the first deployment and when none leaves.
  const scaleInLabels = objectLabels(plan, K8S_APPS.rollout, { "yb-k3s.io/step": "scale-in" });
  const scaleIn = new k8s.batch.v1.Job(
    `${name}-${YB_SCALE_IN_JOB}`,
    {
      metadata: { ...meta(p, YB_SCALE_IN_JOB, scaleInLabels), annotations: { "pulumi.com/replaceUnready": "true" } },
      spec: {
        backoffLimit: 2,
        activeDeadlineSeconds: ROLLOUT_TIMING.rejoinSeconds + 600,
        template: {
          metadata: { labels: scaleInLabels },
          spec: {
            restartPolicy: "Never",
            serviceAccountName: YB_ROLLOUT_ACCOUNT,
            automountServiceAccountToken: true,
            securityContext: { seccompProfile: { type: "RuntimeDefault" } },
            containers: [
              {
                name: "scale-in",
                image: plan.yugabyte.image,
                imagePullPolicy: "IfNotPresent",
                command: ["/bin/bash", "-c", renderScaleInDrainScript(plan, { certsDir: TLS_DIRS.bootstrap, firstStatefulSet: yugabyteStatefulSetName(zones[0]) })],
                env: [POD_NAMESPACE_ENV],
                resources: { requests: { cpu: "50m", memory: "128Mi" }, limits: { memory: "256Mi" } },
                securityContext: { allowPrivilegeEscalation: false, privileged: false, capabilities: { drop: ["NET_RAW"] } },
                ...(bootstrapTls ? { volumeMounts: [{ name: "tls", mountPath: TLS_DIRS.bootstrap, readOnly: true }] } : {}),
              },
            ],
            ...(bootstrapTls ? { volumes: [bootstrapTls.volume] } : {}),
          },
        },
      },
    },
    opts({ dependsOn: [binding, ...(bootstrapTls ? [bootstrapTls.secret] : [])], deleteBeforeReplace: true, customTimeouts: { create: "45m", update: "45m" } }),
  );

  const statefulSets: k8s.apps.v1.StatefulSet[] = [];
  const gates: k8s.batch.v1.Job[] = [scaleIn];
  for (const zone of zones) {
    const zoneNodes = plan.nodes.filter((n) => n.zone === zone).sort((a, b) => a.ordinal - b.ordinal);
    const stsName = yugabyteStatefulSetName(zone);
    zoneNodes.forEach((n, i) => {
      if (n.name !== `${stsName}-${i}`) throw new Error(`plan node ${n.name} is not pod ${i} of StatefulSet ${stsName}; node names must be yb-<zone>-<ordinal>`);
    });
    const zoneSelector = { ...podSelector, [ZONE_POD_LABEL]: zone };
    // TLS: one Secret per zone with the CA and the certificates of that zone's pods (a StatefulSet has one template;
    // yugabyted picks node.<its advertise address>.crt from the directory).
    const zoneTls = tls ? tlsSecret(`${name}-${stsName}-tls`, `${stsName}-tls`, dedupe(zoneNodes.flatMap((n) => tls.filesFor(n.name)))) : undefined;
    const spec: k8s.types.input.apps.v1.StatefulSetSpec = {
          serviceName: KUBERNETES_NAMES.headlessService,
          replicas: zoneNodes.length,
          // Pods of a zone start together; joiners retry until node 0 answers (it is created first, see dependsOn).
          // Only scaling is parallel: a rolling update still replaces one pod at a time, highest ordinal first.
          podManagementPolicy: "Parallel",
          updateStrategy: { type: "RollingUpdate" },
          selector: { matchLabels: zoneSelector },
          // Databases as cattle, data as pets: neither deleting nor scaling down the StatefulSet deletes a volume.
          persistentVolumeClaimRetentionPolicy: { whenDeleted: "Retain", whenScaled: "Retain" },
          template: {
            metadata: { labels: objectLabels(plan, app, { [ZONE_POD_LABEL]: zone }) },
            spec: {
              // The preStop drain (bounded) and yugabyted's own shutdown.
              terminationGracePeriodSeconds: ROLLOUT_TIMING.stopGraceSeconds,
              affinity: {
                nodeAffinity: zoneAffinity(cfg.zoneLabel, [zone]),
                // Never two YugabyteDB pods (of any zone) on one host: a host failure costs at most one replica.
                podAntiAffinity: {
                  requiredDuringSchedulingIgnoredDuringExecution: [{ topologyKey: "kubernetes.io/hostname", labelSelector: { matchLabels: podSelector } }],
                },
              },
              // The image runs as root and owns /home/yugabyte as root; see docs/kubernetes.md. Baseline, not restricted.
              securityContext: { seccompProfile: { type: "RuntimeDefault" } },
              containers: [
                {
                  name: "yugabyted",
                  image: plan.yugabyte.image,
                  imagePullPolicy: "IfNotPresent",
                  command: ["/bin/bash", "-c", renderYugabytedLauncher(zoneNodes, plan.yugabyte.binDir, renderUndrainInBackground(plan, { certsDir: TLS_DIRS.yugabyte }))],
                  // Before the kubelet stops the pod (rolling update, eviction, drain): move its leaders away.
                  lifecycle: { preStop: { exec: { command: ["/bin/bash", "-c", renderDrainScript(plan, { certsDir: TLS_DIRS.yugabyte })] } } },
                  env: [POD_NAME_ENV, ...(tls ? [secretEnv(BOOTSTRAP_ENV.adminPassword, "YSQL_PASSWORD")] : [])],
                  ports: containerPorts,
                  // Requests = limits: Guaranteed QoS, the last class the kubelet evicts under pressure.
                  resources: { requests: { cpu: res.cpu, memory: res.memory }, limits: { cpu: res.cpu, memory: res.memory } },
                  securityContext: { allowPrivilegeEscalation: false, privileged: false, capabilities: { drop: ["NET_RAW"] } },
                  startupProbe: { tcpSocket: { port: ports.ysql }, periodSeconds: 10, failureThreshold: 60 },
                  readinessProbe: {
                    exec: { command: ["/bin/bash", "-c", `/home/yugabyte/postgres/bin/pg_isready -h "$(hostname -f)" -p ${ports.ysql}`] },
                    periodSeconds: 10,
                    timeoutSeconds: 5,
                    failureThreshold: 3,
                  },
                  livenessProbe: { tcpSocket: { port: ports.ysql }, periodSeconds: 20, timeoutSeconds: 5, failureThreshold: 6 },
                  volumeMounts: [{ name: "datadir", mountPath: YB_DATA_MOUNT }, ...(zoneTls ? [{ name: "tls", mountPath: TLS_DIRS.yugabyte, readOnly: true }] : [])],
                },
              ],
              ...(zoneTls ? { volumes: [zoneTls.volume] } : {}),
            },
          },
          volumeClaimTemplates: [
            {
              metadata: { name: "datadir", labels: objectLabels(plan, app, { [ZONE_POD_LABEL]: zone }) },
              spec: {
                accessModes: ["ReadWriteOnce"],
                ...(cfg.storageClass !== undefined ? { storageClassName: cfg.storageClass } : {}),
                resources: { requests: { storage: cfg.storageSize } },
              },
            },
          ],
    };
    const sts = new k8s.apps.v1.StatefulSet(
      `${name}-${stsName}`,
      { metadata: meta(p, stsName, objectLabels(plan, app, { [ZONE_POD_LABEL]: zone })), spec },
      // Fixed names + immutable fields (volumeClaimTemplates, selector): a replacement must delete first. With
      // protectData the StatefulSets are protected, so a replacement (or destroy) stops for a human decision.
      opts({ dependsOn: [headless, secret, ...(zoneTls ? [zoneTls.secret] : []), ...gates.slice(-1)], protect: plan.protectData, deleteBeforeReplace: true }),
    );
    statefulSets.push(sts);

    // The zone's gate: a Job whose pod template carries the hash of the StatefulSet's spec (plain values from the
    // plan), so every change to the StatefulSet replaces — re-runs — it. Fixed name: delete-before-replace.
    const specHash = createHash("sha256").update(JSON.stringify(spec)).digest("hex");
    const gateLabels = objectLabels(plan, K8S_APPS.rollout, { [ZONE_POD_LABEL]: zone });
    const gate = new k8s.batch.v1.Job(
      `${name}-${yugabyteRolloutJobName(zone)}`,
      {
        metadata: { ...meta(p, yugabyteRolloutJobName(zone), gateLabels), annotations: { "pulumi.com/replaceUnready": "true" } },
        spec: {
          backoffLimit: 2,
          activeDeadlineSeconds: ROLLOUT_TIMING.rejoinSeconds + 600,
          template: {
            metadata: { labels: gateLabels, annotations: { [ROLLOUT_SPEC_ANNOTATION]: specHash } },
            spec: {
              restartPolicy: "Never",
              serviceAccountName: YB_ROLLOUT_ACCOUNT,
              automountServiceAccountToken: true,
              securityContext: { seccompProfile: { type: "RuntimeDefault" } },
              containers: [
                {
                  name: "gate",
                  image: plan.yugabyte.image,
                  imagePullPolicy: "IfNotPresent",
                  command: [
                    "/bin/bash",
                    "-c",
                    renderRejoinGateScript(plan, zoneNodes, { certsDir: TLS_DIRS.bootstrap, caFile: BOOTSTRAP_TLS_FILES.caFile, statefulSet: stsName }),
                  ],
                  env: [POD_NAMESPACE_ENV],
                  resources: { requests: { cpu: "50m", memory: "128Mi" }, limits: { memory: "256Mi" } },
                  securityContext: { allowPrivilegeEscalation: false, privileged: false, capabilities: { drop: ["NET_RAW"] } },
                  ...(bootstrapTls ? { volumeMounts: [{ name: "tls", mountPath: TLS_DIRS.bootstrap, readOnly: true }] } : {}),
                },
              ],
              ...(bootstrapTls ? { volumes: [bootstrapTls.volume] } : {}),
            },
          },
        },
      },
      opts({
        dependsOn: [sts, binding, ...(bootstrapTls ? [bootstrapTls.secret] : [])],
        deleteBeforeReplace: true,
        customTimeouts: { create: "45m", update: "45m" },
      }),
    );
    gates.push(gate);
  }

  // One budget over every database pod: voluntary disruptions (drains, upgrades) take one node at a time, which an RF>=3
  // universe always survives.
  const pdb = new k8s.policy.v1.PodDisruptionBudget(
    `${name}-pdb`,
    { metadata: meta(p, "yb-nodes", objectLabels(plan, app)), spec: { maxUnavailable: 1, selector: { matchLabels: podSelector } } },
    opts(),
  );

  // Inside the host cluster too, the database answers only its own peers, the bootstrap Job (masters + YSQL), Kine
  // and the backup CronJob (YSQL). Ingress only; enforced where the CNI implements NetworkPolicy. kubectl port-forward is not affected.
  const tcp = (port: number) => ({ protocol: "TCP", port });
  const networkPolicy = new k8s.networking.v1.NetworkPolicy(
    `${name}-network-policy`,
    {
      metadata: meta(p, "yb-nodes", objectLabels(plan, app)),
      spec: {
        podSelector: { matchLabels: podSelector },
        policyTypes: ["Ingress"],
        ingress: [
          { from: [{ podSelector: { matchLabels: podSelector } }] },
          { from: [{ podSelector: { matchLabels: selectorLabels(plan, K8S_APPS.bootstrap) } }], ports: [tcp(ports.masterRpc), tcp(ports.ysql)] },
          // The rollout gates: yb-admin (master RPC) and the master's under-replication endpoint (master UI port).
          { from: [{ podSelector: { matchLabels: selectorLabels(plan, K8S_APPS.rollout) } }], ports: [tcp(ports.masterRpc), tcp(ports.masterUi)] },
          { from: [{ podSelector: { matchLabels: selectorLabels(plan, K8S_APPS.kine) } }], ports: [tcp(ports.ysql)] },
          // The off-cluster backup CronJob's pods: YSQL only (ysql_dump as Kine's role).
          ...(plan.backup.offCluster ? [{ from: [{ podSelector: { matchLabels: selectorLabels(plan, K8S_APPS.backup) } }], ports: [tcp(ports.ysql)] }] : []),
        ],
      },
    },
    opts(),
  );

  // No ttlSecondsAfterFinished: the provider awaits completion, and a Job that vanished would be recreated (re-run)
  // on the next `pulumi up`. The spec template is immutable: a changed script replaces (re-runs) the idempotent Job.
  const bootstrap = new k8s.batch.v1.Job(
    `${name}-bootstrap`,
    {
      metadata: {
        ...meta(p, YB_BOOTSTRAP_NAME, bootstrapLabels),
        // A Job that failed (backoffLimit/deadline) is replaced — re-run — by the next `pulumi up` instead of staying failed.
        annotations: { "pulumi.com/replaceUnready": "true" },
      },
      spec: {
        backoffLimit: BOOTSTRAP_BACKOFF_LIMIT,
        activeDeadlineSeconds: BOOTSTRAP_DEADLINE_SECONDS,
        template: {
          metadata: { labels: bootstrapLabels },
          spec: {
            restartPolicy: "Never",
            securityContext: { seccompProfile: { type: "RuntimeDefault" } },
            containers: [
              {
                name: "bootstrap",
                image: plan.yugabyte.image,
                imagePullPolicy: "IfNotPresent",
                command: ["/bin/bash", "-c", renderBootstrapScript(plan)],
                env: [secretEnv(BOOTSTRAP_ENV.adminPassword), secretEnv(BOOTSTRAP_ENV.kinePassword)],
                resources: { requests: { cpu: "100m", memory: "256Mi" }, limits: { memory: "512Mi" } },
                securityContext: { allowPrivilegeEscalation: false, privileged: false, capabilities: { drop: ["NET_RAW"] } },
                ...(bootstrapTls ? { volumeMounts: [{ name: "tls", mountPath: TLS_DIRS.bootstrap, readOnly: true }] } : {}),
              },
            ],
            ...(bootstrapTls ? { volumes: [bootstrapTls.volume] } : {}),
          },
        },
      },
    },
    opts({
      dependsOn: [...statefulSets, ...gates, secret, ysql, pdb, networkPolicy, ...(bootstrapTls ? [bootstrapTls.secret] : [])],
      deleteBeforeReplace: true,
      customTimeouts: { create: "35m", update: "35m" },
    }),
  );
  // The provider fails the deployment when the Job fails (backoffLimit / deadline), so an id means it completed.
  const ready = bootstrap.metadata.apply(() => true);

  const portForward = (what: string, port: number) => `(in-cluster only: kubectl -n ${ns} port-forward ${what} ${port})`;
  return {
    bootstrap,
    ready,
    ysqlEndpoint: pulumi.output(`${plan.yugabyte.ysqlHost}:${ports.ysql}`),
    operatorYsqlEndpoint: pulumi.output(portForward(`svc/${KUBERNETES_NAMES.ysqlService}`, ports.ysql)),
    uiUrl: pulumi.output(portForward(`pod/${plan.nodes[0].name}`, ports.yugabytedUi)),
    nodeIds: pulumi.all(statefulSets.map((s) => s.id)),
  };
}
