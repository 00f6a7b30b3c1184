import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { BACKUP_FILES, KINE_BACKUP_NAME, type OffClusterBackupPlan } from "../planner/backup";
import { renderBackupScript } from "../planner/backupScript";
import { BOOTSTRAP_ENV } from "../planner/bootstrap";
import { BOOTSTRAP_TLS_FILES, TLS_DIRS } from "../planner/tls";
import { requireTls, tlsSecretData, tlsSecretVolume } from "./controlPlanePki";
import type { KineBackupsArgs, KineBackupsBuild } from "./kineBackups";
import { K8S_APPS, k8sOpts, meta, objectLabels } from "./kubernetes.common";
import type { KubernetesPlatform } from "./platform";

/** A run that has not finished in this time is killed; the next scheduled run starts afresh. */
export const backupDeadlineSeconds = (b: OffClusterBackupPlan): number => Math.max(240, Math.min(b.intervalMinutes * 60 - 60, 3600));

/**
 * kubernetes: a CronJob (UTC, never two runs at once) that dumps Kine's table into a PersistentVolumeClaim of its own
 * — a volume apart from every database volume, retained and protected with the data. The pods run the YugabyteDB image
 * (ysql_dump) with a read-only root filesystem, no service account token, Kine's password only, and are let into the
 * database by its NetworkPolicy on the YSQL port only.
 */
export function buildKineBackupsKubernetes(parent: pulumi.Resource, name: string, args: KineBackupsArgs, p: KubernetesPlatform, b: OffClusterBackupPlan): KineBackupsBuild {
  const { plan } = args;
  const d = b.destination;
  if (d.kind !== "pvc") throw new Error(`KineBackups: kubernetes writes to a PersistentVolumeClaim, the plan says ${d.kind}`);
  const opts = (extra: pulumi.CustomResourceOptions = {}) => k8sOpts(parent, p, extra);
  const labels = objectLabels(plan, K8S_APPS.backup);
  const tls = requireTls("KineBackups", plan, args.tls);
  const caFiles = tls ? tls.filesFor("bootstrap").filter((f) => f.path === BOOTSTRAP_TLS_FILES.caFile) : [];

  const claim = new k8s.core.v1.PersistentVolumeClaim(
    `${name}-claim`,
    {
      // WaitForFirstConsumer classes bind at the first run, not at `up`: no waiting for Bound.
      metadata: { ...meta(p, d.claimName, labels), annotations: { "pulumi.com/skipAwait": "true" } },
      spec: { accessModes: ["ReadWriteOnce"], ...(d.storageClass ? { storageClassName: d.storageClass } : {}), resources: { requests: { storage: d.size } } },
    },
    opts({ protect: plan.protectData, retainOnDelete: plan.protectData }),
  );
  const secret = new k8s.core.v1.Secret(
    `${name}-secret`,
    { metadata: meta(p, KINE_BACKUP_NAME, labels), type: "Opaque", stringData: { [BOOTSTRAP_ENV.kinePassword]: args.kinePassword } },
    opts(),
  );
  const caSecret = tls
    ? new k8s.core.v1.Secret(`${name}-ca`, { metadata: meta(p, `${KINE_BACKUP_NAME}-ca`, labels), type: "Opaque", stringData: tlsSecretData(caFiles) }, opts())
    : undefined;

  const cronJob = new k8s.batch.v1.CronJob(
    name,
    {
      metadata: meta(p, KINE_BACKUP_NAME, labels),
      spec: {
        schedule: b.cron,
        timeZone: "Etc/UTC",
        concurrencyPolicy: "Forbid",
        // A run missed by more than this (controller down, zone out) is skipped; the next one is on time.
        startingDeadlineSeconds: 300,
        successfulJobsHistoryLimit: 3,
        failedJobsHistoryLimit: 3,
        jobTemplate: {
          metadata: { labels },
          spec: {
            backoffLimit: 2,
            activeDeadlineSeconds: backupDeadlineSeconds(b),
            template: {
              metadata: { labels },
              spec: {
                restartPolicy: "Never",
                automountServiceAccountToken: false,
                enableServiceLinks: false,
                securityContext: { seccompProfile: { type: "RuntimeDefault" } },
                containers: [
                  {
                    name: "backup",
                    image: plan.yugabyte.image,
                    imagePullPolicy: "IfNotPresent",
                    command: ["/bin/bash", "-c", renderBackupScript(plan, { delivery: { kind: "directory", path: BACKUP_FILES.mount }, caFile: tls ? BOOTSTRAP_TLS_FILES.caFile : undefined })],
                    env: [{ name: BOOTSTRAP_ENV.kinePassword, valueFrom: { secretKeyRef: { name: KINE_BACKUP_NAME, key: BOOTSTRAP_ENV.kinePassword } } }],
                    resources: { requests: { cpu: "100m", memory: "256Mi" }, limits: { memory: "1Gi" } },
                    securityContext: { allowPrivilegeEscalation: false, privileged: false, readOnlyRootFilesystem: true, capabilities: { drop: ["ALL"] } },
                    volumeMounts: [
                      { name: "backups", mountPath: BACKUP_FILES.mount },
                      { name: "tmp", mountPath: "/tmp" },
                      ...(caSecret ? [{ name: "tls", mountPath: TLS_DIRS.bootstrap, readOnly: true }] : []),
                    ],
                  },
                ],
                volumes: [
                  { name: "backups", persistentVolumeClaim: { claimName: d.claimName } },
                  { name: "tmp", emptyDir: { sizeLimit: "2Gi" } },
                  ...(caSecret ? [tlsSecretVolume("tls", `${KINE_BACKUP_NAME}-ca`, caFiles)] : []),
                ],
              },
            },
          },
        },
      },
    },
    opts({ dependsOn: pulumi.output(args.dependsOn ?? []).apply((deps) => [...deps, claim, secret, ...(caSecret ? [caSecret] : [])]) }),
  );
  return { location: pulumi.interpolate`pvc/${d.claimName} in namespace ${p.namespace} (kubectl -n ${p.namespace} get cronjob ${cronJob.metadata.name})` };
}
