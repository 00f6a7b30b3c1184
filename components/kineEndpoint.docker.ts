import * as docker from "@pulumi/docker";
import * as pulumi from "@pulumi/pulumi";
import { kineArgs, kinePassfileDsn, pgpassLine } from "../planner/kine";
import { SECRET_FILES } from "../planner/secretFiles";
import { KINE_IMAGE_UID } from "../planner/versions";
import type { DockerPlatform } from "./platform";
import { kineDependsOn, type KineEndpointArgs, type KineEndpointBuild } from "./kineEndpoint";
import { pinnedImage, stackLabels } from "./docker.common";
import { requireTls, tlsUploads } from "./controlPlanePki";
import { KINE_TLS_FILES } from "../planner/tls";
import { ROLLOUT_TIMING } from "../planner/rollout";
import { ports } from "../planner/ports";

export function buildKineDocker(parent: pulumi.ComponentResource, name: string, args: KineEndpointArgs, p: DockerPlatform): KineEndpointBuild {
  const { plan } = args;
  const opts = { parent, provider: p.provider };
  const image = pinnedImage(parent, `${name}-image`, plan.kine.image, p.provider);
  const tls = requireTls("KineEndpoint", plan, args.tls);
  // One replica at a time (planner/rollout.ts): replica i+1 waits for replica i to be healthy again; fixed names, so a
  // replacement deletes first. The first waits for the bootstrap to have succeeded (an explicit dependency only: no
  // input derives from the bootstrap, so re-running it never replaces Kine).
  let previous: pulumi.Input<pulumi.Input<pulumi.Resource>[]> = kineDependsOn(args);
  const replicas = plan.kine.replicas.map((r) => {
    const c = new docker.Container(
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
          // The image is Alpine-based (busybox nc): healthy once the etcd port accepts connections.
          healthcheck: { tests: ["CMD", "nc", "-z", "127.0.0.1", String(ports.kine)], interval: "5s", timeout: "3s", startPeriod: "10s", retries: 60 },
          wait: true,
          waitTimeout: ROLLOUT_TIMING.serviceSeconds,
          destroyGraceSeconds: 30,
          labels: [...stackLabels(plan, "kine"), { label: "yb-k3s.zone", value: r.zone }],
        },
        { ...opts, dependsOn: previous, deleteBeforeReplace: true },
      );
    previous = [c];
    return c;
  });
  return { replicas, endpoints: pulumi.output([...plan.kine.endpoints]) };
}
