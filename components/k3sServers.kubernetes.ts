import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { KUBERNETES_NAMES, type K3sServerPlan } from "../planner/plan";
import { ports } from "../planner/ports";
import { K3S_TLS_DIR } from "./k3sPki";
import type { KubernetesPlatform } from "./platform";
import type { K3sServersArgs, K3sServersBuild } from "./k3sServers";
import { requireTls, tlsSecretData, tlsSecretVolume } from "./controlPlanePki";
import { TLS_DIRS } from "../planner/tls";
import { K8S_APPS, POD_NAME_ENV, k8sOpts, meta, objectLabels, preferHostSpread, selectorLabels, zoneAffinity, zoneSpread } from "./kubernetes.common";

export const K3S_STATEFULSET_NAME = "k3s";
export const K3S_TOKEN_SECRET = "k3s-token";
export const K3S_PKI_SECRET = "k3s-pki";
export const K3S_DATASTORE_TLS_SECRET = "k3s-datastore-tls";
const POD_NAME_REF = "$(POD_NAME)";
const K3S_DATA_DIR = "/var/lib/rancher/k3s";

/**
 * k3s server arguments as one pod template. The plan's per-server lists differ only in values equal to the server's
 * name (`--node-name=k3s-N`, `--tls-san=k3s-N`); those become `$(POD_NAME)`, which the kubelet expands from the
 * downward-API env var (no shell needed in the k3s image). StatefulSet `k3s` names its pods `k3s-N`, exactly the plan's
 * names, so expansion reproduces each plan list verbatim — checked here for every server, or the build fails.
 */
export function k3sArgsTemplate(servers: readonly K3sServerPlan[]): string[] {
  const first = servers[0];
  const template = first.args.map((a) => (a.endsWith(`=${first.name}`) ? `${a.slice(0, -first.name.length)}${POD_NAME_REF}` : a));
  servers.forEach((s, i) => {
    if (s.name !== `${K3S_STATEFULSET_NAME}-${i}`) throw new Error(`plan server ${s.name} is not pod ${i} of StatefulSet ${K3S_STATEFULSET_NAME}`);
    const expanded = expandPodName(template, s.name);
    if (JSON.stringify(expanded) !== JSON.stringify(s.args)) throw new Error(`k3s server ${s.name}: its arguments differ from the pod template by more than its name`);
  });
  return template;
}

/** What the kubelet does to the template for pod `podName`. */
export const expandPodName = (args: readonly string[], podName: string): string[] => args.map((a) => a.split(POD_NAME_REF).join(podName));

/** Secret keys cannot contain "/": `etcd/peer-ca.crt` is stored as `etcd-peer-ca.crt` and mounted back by subPath. */
export const pkiSecretKey = (path: string): string => path.slice(K3S_TLS_DIR.length + 1).replace(/\//g, "-");

export function buildK3sKubernetes(parent: pulumi.ComponentResource, name: string, args: K3sServersArgs, p: KubernetesPlatform): K3sServersBuild {
  const { plan } = args;
  const cfg = p.config;
  const app = K8S_APPS.k3s;
  const podSelector = selectorLabels(plan, app);
  const opts = (extra: pulumi.CustomResourceOptions = {}) => k8sOpts(parent, p, extra);
  const servers = plan.k3s.servers;

  const token = new k8s.core.v1.Secret(
    `${name}-token`,
    { metadata: meta(p, K3S_TOKEN_SECRET, objectLabels(plan, app)), type: "Opaque", stringData: { token: args.token } },
    opts(),
  );
  const pki = new k8s.core.v1.Secret(
    `${name}-pki`,
    {
      metadata: meta(p, K3S_PKI_SECRET, objectLabels(plan, app)),
      type: "Opaque",
      stringData: Object.fromEntries(args.pki.files.map((f) => [pkiSecretKey(f.path), f.content])),
    },
    opts(),
  );
  // One read-only file mount per CA file (subPath), so the rest of server/tls stays writable: k3s writes its serving
  // and client certificates next to the CAs on first start. subPath mounts do not follow Secret updates; CAs live 10 years.
  const pkiMounts: k8s.types.input.core.v1.VolumeMount[] = args.pki.files.map((f) => ({ name: "pki", mountPath: f.path, subPath: pkiSecretKey(f.path), readOnly: true }));

  // TLS: the client certificate every server presents to Kine (shared: one StatefulSet template).
  const tls = requireTls("K3sServers", plan, args.tls);
  const tlsFiles = tls ? tls.filesFor(servers[0].name) : [];
  const tlsSecret = tls
    ? new k8s.core.v1.Secret(
        `${name}-datastore-tls`,
        { metadata: meta(p, K3S_DATASTORE_TLS_SECRET, objectLabels(plan, app)), type: "Opaque", stringData: tlsSecretData(tlsFiles) },
        opts(),
      )
    : undefined;

  const zones = [...new Set(plan.regions.filter((r) => r.name === plan.primaryRegion).flatMap((r) => r.zones))];
  const statefulSet = new k8s.apps.v1.StatefulSet(
    `${name}-statefulset`,
    {
      metadata: meta(p, K3S_STATEFULSET_NAME, objectLabels(plan, app)),
      spec: {
        serviceName: KUBERNETES_NAMES.k3sService,
        replicas: servers.length,
        podManagementPolicy: "Parallel",
        // Rolling changes: the controller replaces one server at a time, highest ordinal first, each Ready before the
        // next (planner/rollout.ts); the Service keeps answering through the others.
        updateStrategy: { type: "RollingUpdate" },
        selector: { matchLabels: podSelector },
        template: {
          metadata: { labels: objectLabels(plan, app) },
          spec: {
            automountServiceAccountToken: false,
            topologySpreadConstraints: zoneSpread(cfg.zoneLabel, podSelector),
            affinity: { nodeAffinity: zoneAffinity(cfg.zoneLabel, zones), ...preferHostSpread(podSelector) },
            containers: [
              {
                name: "k3s",
                image: plan.k3s.image,
                imagePullPolicy: "IfNotPresent",
                // The image's entrypoint is /bin/k3s; the token arrives as K3S_TOKEN, never on the command line.
                args: k3sArgsTemplate(servers),
                env: [POD_NAME_ENV, { name: "K3S_TOKEN", valueFrom: { secretKeyRef: { name: K3S_TOKEN_SECRET, key: "token" } } }],
                ports: [{ name: "https", containerPort: ports.k3sApi }],
                // k3s runs containerd and the kubelet in the pod (cgroups, mounts, iptables): it needs privileged.
                securityContext: { privileged: true },
                resources: { requests: { cpu: "500m", memory: "1Gi" }, limits: { memory: "4Gi" } },
                startupProbe: { tcpSocket: { port: ports.k3sApi }, periodSeconds: 10, failureThreshold: 30 },
                readinessProbe: { tcpSocket: { port: ports.k3sApi }, periodSeconds: 10, failureThreshold: 3 },
                livenessProbe: { tcpSocket: { port: ports.k3sApi }, periodSeconds: 20, failureThreshold: 6 },
                volumeMounts: [
                  { name: "state", mountPath: K3S_DATA_DIR },
                  // The embedded agent's node password: a server that comes back with a new one under the same node
                  // name is rejected ("duplicate hostname"), so it lives on the persistent volume too.
                  { name: "state", mountPath: "/etc/rancher/node", subPath: "node-identity" },
                  ...pkiMounts,
                  ...(tls ? [{ name: "datastore-tls", mountPath: TLS_DIRS.k3s, readOnly: true }] : []),
                  { name: "run", mountPath: "/run" },
                  { name: "var-run", mountPath: "/var/run" },
                ],
              },
            ],
            volumes: [
              { name: "pki", secret: { secretName: K3S_PKI_SECRET, defaultMode: 0o600 } },
              ...(tls ? [tlsSecretVolume("datastore-tls", K3S_DATASTORE_TLS_SECRET, tlsFiles)] : []),
              { name: "run", emptyDir: { medium: "Memory" } },
              { name: "var-run", emptyDir: { medium: "Memory" } },
            ],
          },
        },
        // Kubernetes state lives in YugabyteDB; this volume holds the server's local state only (agent images,
        // generated leaf certificates, node identity). Retained like the database volumes: deleting it while the
        // node-password secret still exists in the datastore would lock the server's own node out.
        persistentVolumeClaimRetentionPolicy: { whenDeleted: "Retain", whenScaled: "Retain" },
        volumeClaimTemplates: [
          {
            metadata: { name: "state", labels: objectLabels(plan, app) },
            spec: {
              accessModes: ["ReadWriteOnce"],
              ...(cfg.storageClass !== undefined ? { storageClassName: cfg.storageClass } : {}),
              resources: { requests: { storage: cfg.k3sStorageSize } },
            },
          },
        ],
      },
    },
    // k3s starts only once Kine is serving (Pulumi awaits the Kine Deployment's readiness).
    opts({ dependsOn: [token, pki, ...(tlsSecret ? [tlsSecret] : []), ...args.dependsOn], deleteBeforeReplace: true }),
  );

  const pdb = new k8s.policy.v1.PodDisruptionBudget(
    `${name}-pdb`,
    { metadata: meta(p, K3S_STATEFULSET_NAME, objectLabels(plan, app)), spec: { maxUnavailable: 1, selector: { matchLabels: podSelector } } },
    opts(),
  );

  // The registration address: only 6443 (API and supervisor). LoadBalancer only when the stack asks, limited to
  // the configured source ranges.
  const loadBalancer = cfg.k3sServiceType === "LoadBalancer";
  const service = new k8s.core.v1.Service(
    `${name}-service`,
    {
      metadata: meta(p, KUBERNETES_NAMES.k3sService, objectLabels(plan, app)),
      spec: {
        type: cfg.k3sServiceType,
        selector: podSelector,
        ports: [{ name: "https", port: ports.k3sApi, targetPort: ports.k3sApi }],
        ...(loadBalancer ? { loadBalancerSourceRanges: [...cfg.k3sAllowedCidrs] } : {}),
      },
    },
    opts(),
  );

  const apiUrl = loadBalancer
    ? service.status.apply((s) => {
        const ingress = s?.loadBalancer?.ingress?.[0];
        const host = ingress?.ip ?? ingress?.hostname;
        return host ? `https://${host}:${ports.k3sApi}` : plan.k3s.apiUrl;
      })
    : pulumi.output(plan.k3s.apiUrl);
  return { servers: [statefulSet, service, pdb], apiUrl };
}
