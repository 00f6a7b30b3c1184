import * as docker from "@pulumi/docker";
import * as pulumi from "@pulumi/pulumi";
import { renderBootstrapEnv, renderBootstrapScript } from "../planner/bootstrap";
import { SECRET_FILES } from "../planner/secretFiles";
import { ports } from "../planner/ports";
import type { DockerPlatform } from "./platform";
import type { YugabyteClusterArgs, YugabyteClusterBuild } from "./yugabyteCluster";
import { afterSuccess, pinnedImage, stackLabels } from "./docker.common";
import { requireTls, tlsUploads } from "./controlPlanePki";
import { ROLLOUT_SCRIPTS, ROLLOUT_TIMING, renderDrainScript, renderRejoinGateScript, renderScaleInDrainScript, renderTrapLauncher, renderUndrainScript } from "../planner/rollout";
import { BOOTSTRAP_TLS_FILES, TLS_DIRS } from "../planner/tls";

/** yugabyted's own production limits (nofile 1048576, nproc 12000). */
const ULIMITS = [
  { name: "nofile", soft: 1048576, hard: 1048576 },
  { name: "nproc", soft: 12000, hard: 12000 },
];

export function buildYugabyteDocker(parent: pulumi.ComponentResource, name: string, args: YugabyteClusterArgs, p: DockerPlatform): YugabyteClusterBuild {
  const { plan } = args;
  const opts = { parent, provider: p.provider };
  const image = pinnedImage(parent, `${name}-image`, plan.yugabyte.image, p.provider);
  const bin = plan.yugabyte.binDir;
  const tls = requireTls("YugabyteCluster", plan, args.tls);
  // yugabyted --secure: the superuser password from a 0600 file (never env: `docker inspect` shows env).
  const yugabytedEnv = pulumi.secret(pulumi.output(args.adminPassword).apply((pw) => `YSQL_PASSWORD='${pw}'\n`));

  // Inside every node: the drain (before a stop) and undrain (after a start) scripts of planner/rollout.ts.
  const rolloutScripts: docker.types.input.ContainerUpload[] = [
    { file: ROLLOUT_SCRIPTS.drain, content: renderDrainScript(plan, { certsDir: TLS_DIRS.yugabyte }), executable: true },
    { file: ROLLOUT_SCRIPTS.undrain, content: renderUndrainScript(plan, { certsDir: TLS_DIRS.yugabyte }), executable: true },
  ];

  // A one-shot container on the stack's network running one rendered script (rollout gates, the scale-in drain), with
  // the bootstrap's TLS client files when TLS is on; Pulumi waits for it to exit (attach) and keeps its logs.
  const oneShot = (containerName: string, script: string, labels: docker.types.input.ContainerLabel[]): docker.ContainerArgs => ({
    name: containerName,
    image: image.imageId,
    command: ["/bin/bash", "-c", script],
    uploads: tls ? tlsUploads(tls.filesFor("bootstrap")) : [],
    networksAdvanced: [{ name: p.network.name }],
    restart: "no",
    mustRun: false,
    attach: true,
    logs: true,
    labels,
  });

  // Rolling changes, one node at a time (planner/rollout.ts): node i+1 depends on node i's gate, which succeeds only
  // once node i is ALIVE again and nothing is under-replicated. Every container has a fixed name and fixed host ports,
  // so a replacement deletes first (the provider would otherwise create the new one next to the old and fail on the
  // name), stopping gracefully (`destroyGraceSeconds`) so the launcher's drain moves leaders away first.
  const containers: docker.Container[] = [];
  let previous: pulumi.Input<pulumi.Input<pulumi.Resource>[]> = [];
  for (const node of plan.nodes) {
    const volume = new docker.Volume(
      `${node.name}-data`,
      { name: `${plan.prefix}-${node.name}-data`, labels: stackLabels(plan, "yugabyte-data") },
      { ...opts, protect: plan.protectData, retainOnDelete: plan.protectData },
    );
    const hp = node.hostPorts;
    const published: docker.types.input.ContainerPort[] =
      p.publishDatabasePorts && hp
        ? [
            { internal: ports.ysql, external: hp.ysql, ip: p.bindAddress },
            { internal: ports.yugabytedUi, external: hp.yugabytedUi, ip: p.bindAddress },
            { internal: ports.masterUi, external: hp.masterUi, ip: p.bindAddress },
            { internal: ports.tserverUi, external: hp.tserverUi, ip: p.bindAddress },
          ]
        : [];
    const container = new docker.Container(
      node.name,
      {
        name: `${plan.prefix}-${node.name}`,
        hostname: node.name,
        image: image.imageId,
        command: ["/bin/bash", "-c", renderTrapLauncher(`${bin}/yugabyted`, node.yugabytedArgs, { address: node.address, ...(tls ? { envFile: SECRET_FILES.yugabytedEnv } : {}) })],
        uploads: [
          ...rolloutScripts,
          ...(tls ? [...tlsUploads(tls.filesFor(node.name)), { file: SECRET_FILES.yugabytedEnv, content: yugabytedEnv, permissions: "0600" }] : []),
        ],
        networksAdvanced: [{ name: p.network.name, aliases: [node.name] }],
        volumes: [{ volumeName: volume.name, containerPath: plan.yugabyte.baseDir }],
        ports: published,
        restart: "unless-stopped",
        ulimits: ULIMITS,
        healthcheck: {
          tests: ["CMD", "/home/yugabyte/postgres/bin/pg_isready", "-h", node.name, "-p", String(ports.ysql)],
          interval: "10s",
          timeout: "5s",
          startPeriod: "30s",
          retries: 30,
        },
        // Pulumi waits for the health check, so later nodes join a running first node.
        wait: true,
        waitTimeout: 600,
        destroyGraceSeconds: ROLLOUT_TIMING.stopGraceSeconds,
        labels: [...stackLabels(plan, "yugabyte"), { label: "yb-k3s.zone", value: node.zone }, { label: "yb-k3s.cloud-location", value: node.cloudLocation }],
      },
      { ...opts, dependsOn: previous, deleteBeforeReplace: true },
    );
    containers.push(container);
    // The gate re-runs whenever its node is replaced: it carries the node's container id.
    const gateName = `${plan.prefix}-${node.name}-rejoin`;
    const gate = new docker.Container(
      `${node.name}-rejoin`,
      oneShot(gateName, renderRejoinGateScript(plan, [node], { certsDir: TLS_DIRS.bootstrap, caFile: BOOTSTRAP_TLS_FILES.caFile }), [
        ...stackLabels(plan, "yugabyte-rollout-gate"),
        { label: "yb-k3s.node", value: node.name },
        { label: "yb-k3s.node-container", value: container.id },
      ]),
      { ...opts, dependsOn: [container], deleteBeforeReplace: true },
    );
    previous = afterSuccess(gate, `rollout gate of ${node.name}`, gateName);
  }
  // Scale-in: before any node the plan no longer has is removed (Pulumi deletes removed resources last), drain it —
  // data blacklist, load move to 100%. A no-op on the first deployment and whenever no node is leaving.
  const scaleInName = `${plan.prefix}-yb-scale-in`;
  const scaleIn = new docker.Container(
    `${name}-scale-in`,
    oneShot(scaleInName, renderScaleInDrainScript(plan, { certsDir: TLS_DIRS.bootstrap }), stackLabels(plan, "yugabyte-scale-in")),
    { ...opts, dependsOn: previous, deleteBeforeReplace: true },
  );
  const lastGate = afterSuccess(scaleIn, "scale-in drain", scaleInName);

  // One-shot bootstrap from the same image; Pulumi attaches and waits for it to exit.
  const bootstrap = new docker.Container(
    `${name}-bootstrap`,
    {
      name: `${plan.prefix}-yb-bootstrap`,
      image: image.imageId,
      command: ["/bin/bash", "-c", renderBootstrapScript(plan)],
      // Passwords as a file, not env: `docker inspect` shows env to anyone who can reach the Docker socket.
      uploads: [
        {
          file: SECRET_FILES.bootstrapEnv,
          content: pulumi.secret(pulumi.all([args.adminPassword, args.kinePassword]).apply(([a, k]) => renderBootstrapEnv(a, k))),
          permissions: "0600",
        },
        ...(tls ? tlsUploads(tls.filesFor("bootstrap")) : []),
      ],
      networksAdvanced: [{ name: p.network.name }],
      restart: "no",
      mustRun: false,
      attach: true,
      logs: true,
      labels: stackLabels(plan, "yugabyte-bootstrap"),
    },
    // After every node and the last gate; fixed name: a changed script or image re-runs it delete-first.
    { ...opts, dependsOn: pulumi.output(lastGate).apply((g) => [...containers, ...g]), deleteBeforeReplace: true },
  );
  // Kine waits on this (components/kineEndpoint.ts): a non-zero exit stops the deployment before Kine changes.
  const ready = afterSuccess(bootstrap, "YugabyteDB bootstrap", `${plan.prefix}-yb-bootstrap`).apply(() => true);

  const first = plan.nodes[0];
  const loopbackHost = p.bindAddress.includes(":") ? `[${p.bindAddress}]` : p.bindAddress;
  return {
    bootstrap,
    ready,
    ysqlEndpoint: pulumi.output(`${plan.yugabyte.ysqlHost}:${ports.ysql}`),
    operatorYsqlEndpoint: pulumi.output(p.publishDatabasePorts && first.hostPorts ? `${loopbackHost}:${first.hostPorts.ysql}` : "(not published: publishDatabasePorts is false)"),
    uiUrl: pulumi.output(p.publishDatabasePorts && first.hostPorts ? `http://${loopbackHost}:${first.hostPorts.yugabytedUi}` : "(not published)"),
    nodeIds: pulumi.all(containers.map((c) => c.id)),
  };
}
