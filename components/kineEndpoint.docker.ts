import * as docker from "@pulumi/docker";
import * as pulumi from "@pulumi/pulumi";
import { kineArgs, kinePassfileDsn, pgpassLine } from "../planner/kine";
import { SECRET_FILES } from "../planner/secretFiles";
import { KINE_IMAGE_UID } from "../planner/versions";
import type { DockerPlatform } from "./platform";
import type { KineEndpointArgs, KineEndpointBuild } from "./kineEndpoint";
import { pinnedImage, stackLabels } from "./docker.common";
import { requireTls, tlsUploads } from "./controlPlanePki";
import { KINE_TLS_FILES } from "../planner/tls";

export function buildKineDocker(parent: pulumi.ComponentResource, name: string, args: KineEndpointArgs, p: DockerPlatform): KineEndpointBuild {
  const { plan } = args;
  const opts = { parent, provider: p.provider };
  const image = pinnedImage(parent, `${name}-image`, plan.kine.image, p.provider);
  const tls = requireTls("KineEndpoint", plan, args.tls);
  const replicas = plan.kine.replicas.map(
    (r) =>
      new docker.Container(
        r.name,
        {
          name: `${plan.prefix}-${r.name}`,
          hostname: r.name,
          image: image.imageId,
          // The image's entrypoint is /bin/kine. The DSN carries no secret: the password is in a libpq passfile.
          command: kineArgs({ dsn: kinePassfileDsn(r.database, SECRET_FILES.kinePassfile), ...(tls ? { tls: KINE_TLS_FILES } : {}) }),
          uploads: [
            // Kine runs as `nobody`: its 0600 files must be owned by that user or it cannot read them.
            {
              file: SECRET_FILES.kinePassfile,
              content: pulumi.secret(pulumi.output(args.databasePassword).apply((pw) => pgpassLine(r.database, pw))),
              permissions: "0600",
              owner: String(KINE_IMAGE_UID),
            },
            ...(tls ? tlsUploads(tls.filesFor(r.name), KINE_IMAGE_UID) : []),
          ],
          // Not published: only k3s on the stack network reaches etcd.
          networksAdvanced: [{ name: p.network.name, aliases: [r.name] }],
          restart: "unless-stopped",
          labels: [
            ...stackLabels(plan, "kine"),
            { label: "yb-k3s.zone", value: r.zone },
            // Ties the container to a successful bootstrap: a failed schema step never starts Kine.
            { label: "yb-k3s.database-ready", value: pulumi.output(args.databaseReady).apply(String) },
          ],
        },
        { ...opts, dependsOn: args.dependsOn },
      ),
  );
  return { replicas, endpoints: pulumi.output([...plan.kine.endpoints]) };
}
