import * as docker from "@pulumi/docker";
import * as pulumi from "@pulumi/pulumi";
import { ports } from "../planner/ports";
import type { DockerPlatform } from "./platform";
import type { K3sServersArgs, K3sServersBuild } from "./k3sServers";
import { pinnedImage, stackLabels } from "./docker.common";
import { SECRET_FILES } from "../planner/secretFiles";
import { requireTls, tlsUploads } from "./controlPlanePki";

export function buildK3sDocker(parent: pulumi.ComponentResource, name: string, args: K3sServersArgs, p: DockerPlatform): K3sServersBuild {
  const { plan } = args;
  const opts = { parent, provider: p.provider };
  const image = pinnedImage(parent, `${name}-image`, plan.k3s.image, p.provider);
  const uploads = [
    ...args.pki.files.map((f) => ({ file: f.path, content: f.content, ...(f.secret ? { permissions: "0600" } : {}) })),
    // The token as a file (`--token-file`), not K3S_TOKEN: env is visible to `docker inspect`.
    { file: SECRET_FILES.k3sTokenFile, content: pulumi.secret(pulumi.output(args.token)), permissions: "0600" },
  ];
  const tls = requireTls("K3sServers", plan, args.tls);
  const servers = plan.k3s.servers.map((s) => {
    // Agent state (images, pod sandboxes) only: Kubernetes state lives in YugabyteDB, so no protection needed.
    const volume = new docker.Volume(`${s.name}-state`, { name: `${plan.prefix}-${s.name}-state`, labels: stackLabels(plan, "k3s-state") }, opts);
    return new docker.Container(
      s.name,
      {
        name: `${plan.prefix}-${s.name}`,
        hostname: s.name,
        image: image.imageId,
        command: [...s.args, `--token-file=${SECRET_FILES.k3sTokenFile}`],
        privileged: true,
        tmpfs: { "/run": "", "/var/run": "" },
        uploads: tls ? [...uploads, ...tlsUploads(tls.filesFor(s.name))] : uploads,
        volumes: [{ volumeName: volume.name, containerPath: "/var/lib/rancher/k3s" }],
        networksAdvanced: [{ name: p.network.name, aliases: [s.name] }],
        ports: s.hostApiPort ? [{ internal: ports.k3sApi, external: s.hostApiPort, ip: p.bindAddress }] : [],
        restart: "unless-stopped",
        labels: [...stackLabels(plan, "k3s"), { label: "yb-k3s.zone", value: s.zone }],
      },
      { ...opts, dependsOn: args.dependsOn },
    );
  });
  return { servers, apiUrl: pulumi.output(plan.k3s.apiUrl) };
}
