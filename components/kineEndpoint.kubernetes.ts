import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { KINE_ENDPOINT_ENV, kineArgs, kineDsn } from "../planner/kine";
import { KUBERNETES_NAMES } from "../planner/plan";
import { ports } from "../planner/ports";
import { KINE_IMAGE_UID } from "../planner/versions";
import type { KubernetesPlatform } from "./platform";
import { kineDependsOn, type KineEndpointArgs, type KineEndpointBuild } from "./kineEndpoint";
import { requireTls, tlsSecretData, tlsSecretVolume } from "./controlPlanePki";
import { KINE_TLS_FILES, TLS_DIRS } from "../planner/tls";
import { K8S_APPS, k8sOpts, meta, objectLabels, preferHostSpread, restrictedContainer, selectorLabels, zoneAffinity, zoneSpread } from "./kubernetes.common";

export const KINE_SECRET_NAME = "kine-datastore";
export const KINE_DEPLOYMENT_NAME = "kine";
export const KINE_TLS_SECRET = "kine-tls";
/** Kine is a static Go binary that only listens on unprivileged ports: it runs as nobody. */

export function buildKineKubernetes(parent: pulumi.ComponentResource, name: string, args: KineEndpointArgs, p: KubernetesPlatform): KineEndpointBuild {
  const { plan } = args;
  const cfg = p.config;
  const app = K8S_APPS.kine;
  const podSelector = selectorLabels(plan, app);
  const opts = (extra: pulumi.CustomResourceOptions = {}) => k8sOpts(parent, p, extra);
  const replicas = plan.kine.replicas;
  const db = replicas[0].database;
  for (const r of replicas) {
    if (kineDsn(r.database, "x") !== kineDsn(db, "x")) throw new Error(`kine replica ${r.name} has its own database endpoint; one Deployment needs one DSN`);
  }

  // The DSN carries the password: it travels as a Secret, read into KINE_ENDPOINT (never on the command line).
  const secret = new k8s.core.v1.Secret(
    `${name}-datastore`,
    {
      metadata: meta(p, KINE_SECRET_NAME, objectLabels(plan, app)),
      type: "Opaque",
      stringData: { [KINE_ENDPOINT_ENV]: pulumi.output(args.databasePassword).apply((pw) => kineDsn(db, pw)) },
    },
    opts(),
  );

  // TLS: every replica serves with the same certificate (one Deployment, one template): the files of replica 0.
  const tls = requireTls("KineEndpoint", plan, args.tls);
  const tlsFiles = tls ? tls.filesFor(replicas[0].name) : [];
  const tlsSecret = tls
    ? new k8s.core.v1.Secret(`${name}-tls`, { metadata: meta(p, KINE_TLS_SECRET, objectLabels(plan, app)), type: "Opaque", stringData: tlsSecretData(tlsFiles) }, opts())
    : undefined;

  const zones = [...new Set(plan.regions.filter((r) => r.name === plan.primaryRegion).flatMap((r) => r.zones))];
  const deployment = new k8s.apps.v1.Deployment(
    `${name}-deployment`,
    {
      // No input derives from the bootstrap Job: re-running (replacing) the Job never replaces or restarts Kine.
      metadata: meta(p, KINE_DEPLOYMENT_NAME, objectLabels(plan, app)),
      spec: {
        replicas: replicas.length,
        selector: { matchLabels: podSelector },
        // Rolling changes never take a replica away before its successor is Ready (planner/rollout.ts).
        strategy: { type: "RollingUpdate", rollingUpdate: { maxUnavailable: 0, maxSurge: 1 } },
        template: {
          metadata: { labels: objectLabels(plan, app) },
          spec: {
            automountServiceAccountToken: false,
            // Spread over the primary region's zones (Kine writes stay close to the preferred leaders); a replica that
            // cannot get its own zone stays Pending rather than doubling up.
            topologySpreadConstraints: zoneSpread(cfg.zoneLabel, podSelector),
            affinity: { nodeAffinity: zoneAffinity(cfg.zoneLabel, zones), ...preferHostSpread(podSelector) },
            // fsGroup: the TLS Secret's files are group-readable by Kine's group (keys 0440), nobody else's.
            securityContext: {
              runAsNonRoot: true,
              runAsUser: KINE_IMAGE_UID,
              runAsGroup: KINE_IMAGE_UID,
              ...(tls ? { fsGroup: KINE_IMAGE_UID } : {}),
              seccompProfile: { type: "RuntimeDefault" },
            },
            containers: [
              {
                name: "kine",
                image: plan.kine.image,
                imagePullPolicy: "IfNotPresent",
                // The image's entrypoint is /bin/kine.
                args: kineArgs(tls ? { tls: KINE_TLS_FILES } : {}),
                env: [{ name: KINE_ENDPOINT_ENV, valueFrom: { secretKeyRef: { name: KINE_SECRET_NAME, key: KINE_ENDPOINT_ENV } } }],
                ports: [
                  { name: "etcd", containerPort: ports.kine },
                  { name: "metrics", containerPort: ports.kineMetrics },
                ],
                resources: { requests: { cpu: "250m", memory: "256Mi" }, limits: { memory: "1Gi" } },
                securityContext: restrictedContainer(KINE_IMAGE_UID),
                readinessProbe: { tcpSocket: { port: ports.kine }, periodSeconds: 5, failureThreshold: 3 },
                livenessProbe: { tcpSocket: { port: ports.kine }, initialDelaySeconds: 15, periodSeconds: 10, failureThreshold: 6 },
                ...(tls ? { volumeMounts: [{ name: "tls", mountPath: TLS_DIRS.kine, readOnly: true }] } : {}),
              },
            ],
            ...(tls ? { volumes: [tlsSecretVolume("tls", KINE_TLS_SECRET, tlsFiles, true)] } : {}),
          },
        },
      },
    },
    // Kine starts only after the bootstrap Job completed (schema created before Kine's own CREATE ... IF NOT EXISTS):
    // explicit dependencies only, gated on the bootstrap's success (components/kineEndpoint.ts).
    opts({ dependsOn: kineDependsOn(args).apply((d) => [secret, ...(tlsSecret ? [tlsSecret] : []), ...d]) }),
  );

  const pdb = new k8s.policy.v1.PodDisruptionBudget(
    `${name}-pdb`,
    { metadata: meta(p, KINE_DEPLOYMENT_NAME, objectLabels(plan, app)), spec: { minAvailable: 1, selector: { matchLabels: podSelector } } },
    opts(),
  );

  // The etcd API answers the k3s servers only (everything in the datastore is readable through it); metrics stay
  // open to in-cluster scrapers. Ingress only; enforced where the CNI implements NetworkPolicy.
  const networkPolicy = new k8s.networking.v1.NetworkPolicy(
    `${name}-network-policy`,
    {
      metadata: meta(p, KINE_DEPLOYMENT_NAME, objectLabels(plan, app)),
      spec: {
        podSelector: { matchLabels: podSelector },
        policyTypes: ["Ingress"],
        ingress: [
          { from: [{ podSelector: { matchLabels: selectorLabels(plan, K8S_APPS.k3s) } }], ports: [{ protocol: "TCP", port: ports.kine }] },
          { ports: [{ protocol: "TCP", port: ports.kineMetrics }] },
        ],
      },
    },
    opts(),
  );

  // etcd API for the k3s servers, inside the cluster only.
  const service = new k8s.core.v1.Service(
    `${name}-service`,
    {
      metadata: meta(p, KUBERNETES_NAMES.kineService, objectLabels(plan, app)),
      spec: { type: "ClusterIP", selector: podSelector, ports: [{ name: "etcd", port: ports.kine, targetPort: ports.kine }] },
    },
    opts(),
  );

  return { replicas: [deployment, service, pdb, networkPolicy], endpoints: pulumi.output([...plan.kine.endpoints]) };
}
