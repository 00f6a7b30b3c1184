import * as docker from "@pulumi/docker";
import * as pulumi from "@pulumi/pulumi";
import { ports } from "../planner/ports";
import type { DockerPlatform } from "./platform";
import type { K3sServersArgs, K3sServersBuild } from "./k3sServers";
import { pinnedImage, stackLabels } from "./docker.common";
import { SECRET_FILES } from "../planner/secretFiles";
import { requireTls, tlsUploads } from "./controlPlanePki";
import { ROLLOUT_TIMING } from "../planner/rollout";

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
  // One server at a time (planner/rollout.ts): server i+1 waits for server i to answer /readyz again; fixed names and
  // host ports, so a replacement deletes first (with one server, the API is down while it is replaced).
  let previous: pulumi.Input<pulumi.Input<pulumi.Resource>[]> = args.dependsOn;
  const servers = plan.k3s.servers.map((s) => {
    // Agent state (images, pod sandboxes) only: Kubernetes state lives in YugabyteDB, so no protection needed.
    const volume = new docker.Volume(`${s.name}-state`, { name: `${plan.prefix}-${s.name}-state`, labels: stackLabels(plan, "k3s-state") }, opts);
    // The embedded agent's node password: a replaced container with a new one under the same node name is refused
    // ("duplicate hostname"), so it outlives the container like the state.
    const identity = new docker.Volume(`${s.name}-node-identity`, { name: `${plan.prefix}-${s.name}-node`, labels: stackLabels(plan, "k3s-state") }, opts);
    const c = new docker.Container(
      s.name,
      {
        name: `${plan.prefix}-${s.name}`,
        hostname: s.name,
        image: image.imageId,
        command: [...s.args, `--token-file=${SECRET_FILES.k3sTokenFile}`],
        privileged: true,
        tmpfs: { "/run": "", "/var/run": "" },
        uploads: tls ? [...uploads, ...tlsUploads(tls.filesFor(s.name))] : uploads,
        volumes: [
          { volumeName: volume.name, containerPath: "/var/lib/rancher/k3s" },
          { volumeName: identity.name, containerPath: "/etc/rancher/node" },
        ],
        networksAdvanced: [{ name: p.network.name, aliases: [s.name] }],
        ports: s.hostApiPort ? [{ internal: ports.k3sApi, external: s.hostApiPort, ip: p.bindAddress }] : [],
        restart: "unless-stopped",
        // The server's own admin kubeconfig (written at start): healthy once the API server reports ready.
        healthcheck: { tests: ["CMD", "k3s", "kubectl", "get", "--raw", "/readyz"], interval: "10s", timeout: "5s", startPeriod: "30s", retries: 60 },
        wait: true,
        waitTimeout: ROLLOUT_TIMING.serviceSeconds,
        destroyGraceSeconds: 60,
        labels: [...stackLabels(plan, "k3s"), { label: "yb-k3s.zone", value: s.zone }],
      },
      { ...opts, dependsOn: previous, deleteBeforeReplace: true },
    );
    previous = [c];
    return c;
  });
  return { servers, apiUrl: pulumi.output(plan.k3s.apiUrl) };
}
