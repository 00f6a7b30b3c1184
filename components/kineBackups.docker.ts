import * as docker from "@pulumi/docker";
import * as pulumi from "@pulumi/pulumi";
import { BACKUP_FILES, dockerBackupContainerName, type OffClusterBackupPlan } from "../planner/backup";
import { renderBackupScript } from "../planner/backupScript";
import { BOOTSTRAP_ENV, renderEnvFile } from "../planner/bootstrap";
import { SECRET_FILES } from "../planner/secretFiles";
import { BOOTSTRAP_TLS_FILES } from "../planner/tls";
import { requireTls, tlsUploads } from "./controlPlanePki";
import { pinnedImage, stackLabels } from "./docker.common";
import type { KineBackupsArgs, KineBackupsBuild } from "./kineBackups";
import type { DockerPlatform } from "./platform";

/**
 * docker: one long-running container (the YugabyteDB image: it has ysql_dump) that backs up every interval into a
 * bind-mounted host directory. Docker has no scheduler; the loop survives a failed run and `restart: unless-stopped`
 * survives a daemon restart. It publishes nothing and carries only Kine's password (and the CA, with TLS).
 */
export function buildKineBackupsDocker(parent: pulumi.Resource, name: string, args: KineBackupsArgs, p: DockerPlatform, b: OffClusterBackupPlan): KineBackupsBuild {
  const { plan } = args;
  if (b.destination.kind !== "directory") throw new Error(`KineBackups: docker writes to a host directory, the plan says ${b.destination.kind}`);
  const opts = { parent, provider: p.provider };
  const tls = requireTls("KineBackups", plan, args.tls);
  const image = pinnedImage(parent, `${name}-image`, plan.yugabyte.image, p.provider);
  const containerName = dockerBackupContainerName(plan.prefix);
  new docker.Container(
    name,
    {
      name: containerName,
      image: image.imageId,
      command: ["/bin/bash", "-c", renderBackupScript(plan, { delivery: { kind: "directory", path: BACKUP_FILES.mount }, loop: true, caFile: tls ? BOOTSTRAP_TLS_FILES.caFile : undefined })],
      uploads: [
        { file: SECRET_FILES.bootstrapEnv, content: pulumi.secret(pulumi.output(args.kinePassword).apply((pw) => renderEnvFile({ [BOOTSTRAP_ENV.kinePassword]: pw }))), permissions: "0600" },
        ...(tls ? tlsUploads(tls.filesFor("bootstrap").filter((f) => f.path === BOOTSTRAP_TLS_FILES.caFile)) : []),
      ],
      volumes: [{ hostPath: b.destination.path, containerPath: BACKUP_FILES.mount }],
      networksAdvanced: [{ name: p.network.name }],
      restart: "unless-stopped",
      labels: stackLabels(plan, "kine-backup"),
    },
    { ...opts, dependsOn: args.dependsOn, deleteBeforeReplace: true },
  );
  return { location: pulumi.output(`${b.destination.path} (docker host; docker logs ${containerName})`) };
}
