import * as docker from "@pulumi/docker";
import * as pulumi from "@pulumi/pulumi";
import { ports } from "../planner/ports";
import type { DockerPlatform } from "./platform";
import type { K3sServersArgs, K3sServersBuild } from "./k3sServers";
import { pinnedImage, secretEnv, stackLabels } from "./docker.common";

export function buildK3sDocker(parent: pulumi.ComponentResource, name: string, args: K3sServersArgs, p: DockerPlatform): K3sServersBuild {
  const { plan } = args;
  const opts = { parent, provider: p.provider };
  const image = pinnedImage(parent, `${name}-image`, plan.k3s.image, p.provider);
  const uploads = args.pki.files.map((f) => ({ file: f.path, content: f.content }));
  const servers = plan.k3s.servers.map((s) => {
    // Agent state (images, pod sandboxes) only: Kubernetes state lives in YugabyteDB, so no protection needed.
    const volume = new docker.Volume(`${s.name}-state`, { name: `${plan.prefix}-${s.name}-state`, labels: stackLabels(plan, "k3s-state") }, opts);
    return new docker.Container(
      s.name,
      {
        name: `${plan.prefix}-${s.name}`,
        hostname: s.name,
        image: image.imageId,
        command: [...s.args],
        privileged: true,
        tmpfs: { "/run": "", "/var/run": "" },
        envs: [secretEnv("K3S_TOKEN", args.token)],
        uploads,
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
