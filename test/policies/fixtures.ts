/** Realistic resources, shaped like what the targets register, for the policy tests. */
import { images } from "../../planner/versions";
import type { PolicyContext, PolicyResource } from "../../policies/evaluate";

export const ctx = (over: Partial<PolicyContext> = {}): PolicyContext => ({
  stack: "staging",
  target: "aws",
  enforcement: "mandatory",
  tlsRequired: false,
  holdsRealData: false,
  ...over,
});

const STACK_URN = "urn:pulumi:local::yb-k3s";

export function res(type: string, name: string, inputs: Record<string, unknown>, extra: Partial<PolicyResource> = {}): PolicyResource {
  return { urn: `${STACK_URN}::${type}::${name}`, type, name, inputs, ...extra };
}

export const FLAGS_OK = "--tserver_flags=ysql_enable_auth=true,ysql_sequence_cache_minval=1";

export function ybArgs(node: number, location: string, flags = FLAGS_OK, ft = "zone"): string[] {
  return [
    "bin/yugabyted",
    "start",
    "--background=false",
    "--base_dir=/home/yugabyte/yb_data",
    `--advertise_address=yb-node-${node}`,
    ...(node > 1 ? ["--join=yb-node-1"] : []),
    `--cloud_location=${location}`,
    `--fault_tolerance=${ft}`,
    flags,
  ];
}

export function ybContainer(node: number, zone = `zone-${node}`, over: Record<string, unknown> = {}): PolicyResource {
  return res("docker:index/container:Container", `yb-node-${node}`, {
    name: `yb-node-${node}`,
    image: images.yugabyte(),
    command: ybArgs(node, `docker.local.${zone}`),
    ports: node === 1 ? [{ internal: 5433, external: 5433, ip: "127.0.0.1", protocol: "tcp" }, { internal: 15433, external: 15433, ip: "127.0.0.1", protocol: "tcp" }] : [],
    volumes: [{ volumeName: `yb-node-${node}-data`, containerPath: "/home/yugabyte/yb_data" }],
    ...over,
  });
}

export const ybInitContainer = (rf = 3, ft = "zone"): PolicyResource =>
  res("docker:index/container:Container", "yb-init", {
    name: "yb-init",
    image: images.yugabyte(),
    mustRun: false,
    command: ["bin/yugabyted", "configure", "data_placement", "--base_dir=/home/yugabyte/yb_data", `--fault_tolerance=${ft}`, `--rf=${rf}`],
  });

export const kineContainer = (i: number, over: Record<string, unknown> = {}): PolicyResource =>
  res("docker:index/container:Container", `kine-${i}`, {
    name: `kine-${i}`,
    image: images.kine(),
    // Docker has no secret store: Kine reads its DSN from KINE_ENDPOINT (a literal here, reported as advisory on local).
    envs: ["KINE_ENDPOINT=postgres://kine:s3cr3t-pw@yb-node-1:5433/kine"],
    command: ["--listen-address", "0.0.0.0:2379", "--metrics-bind-address", "0.0.0.0:8080"],
    ports: [{ internal: 2379, external: 2379 + i, ip: "127.0.0.1", protocol: "tcp" }],
    ...over,
  });

export const k3sContainer = (i: number, over: Record<string, unknown> = {}): PolicyResource =>
  res("docker:index/container:Container", `k3s-server-${i}`, {
    name: `k3s-server-${i}`,
    image: images.k3s(),
    privileged: true,
    command: ["server", "--datastore-endpoint=http://kine-1:2379", "--tls-san=k3s-lb", "--disable-agent"],
    ports: [{ internal: 6443, external: 6443 + i }],
    ...over,
  });

/** The whole local stack, as the Docker target lays it out: 3 nodes in 3 logical zones, init step, 2 Kine, 2 k3s. */
export const localStack = (): PolicyResource[] => [
  ...[1, 2, 3].map((n) => res("docker:index/volume:Volume", `yb-node-${n}-data`, { name: `yb-node-${n}-data` })),
  ...[1, 2, 3].map((n) => ybContainer(n)),
  ybInitContainer(),
  kineContainer(1),
  kineContainer(2),
  k3sContainer(1),
  k3sContainer(2),
];

// --- Kubernetes -----------------------------------------------------------------------------------------------

export const YB_LABELS = { app: "yb-k3s", component: "yugabytedb" };

export function ybStatefulSet(zone: string, over: { affinity?: unknown; labels?: Record<string, string>; script?: string; replicas?: number; spec?: Record<string, unknown> } = {}): PolicyResource {
  const labels = over.labels ?? { ...YB_LABELS, zone };
  const script =
    over.script ??
    `exec /home/yugabyte/bin/yugabyted start --background=false --base_dir=/mnt/data \\
  --advertise_address="$(POD_NAME).yb-${zone}.yb.svc.cluster.local" --join=yb-zone-a-0.yb-zone-a.yb.svc.cluster.local \\
  --cloud_location=k8s.dev.${zone} --fault_tolerance=zone \\
  --tserver_flags="ysql_enable_auth=true,ysql_sequence_cache_minval=1"`;
  return res("kubernetes:apps/v1:StatefulSet", `yb-${zone}`, {
    metadata: { name: `yb-${zone}`, namespace: "yb" },
    spec: {
      serviceName: `yb-${zone}`,
      replicas: over.replicas ?? 1,
      selector: { matchLabels: labels },
      template: {
        metadata: { labels },
        spec: {
          affinity:
            over.affinity === undefined
              ? {
                  podAntiAffinity: {
                    requiredDuringSchedulingIgnoredDuringExecution: [
                      { topologyKey: "kubernetes.io/hostname", labelSelector: { matchLabels: YB_LABELS } },
                    ],
                  },
                  nodeAffinity: {
                    requiredDuringSchedulingIgnoredDuringExecution: {
                      nodeSelectorTerms: [{ matchExpressions: [{ key: "topology.kubernetes.io/zone", operator: "In", values: [zone] }] }],
                    },
                  },
                }
              : over.affinity,
          containers: [
            {
              name: "yugabyted",
              image: images.yugabyte(),
              command: ["/bin/bash", "-c", script],
              env: [
                { name: "POD_NAME", valueFrom: { fieldRef: { fieldPath: "metadata.name" } } },
                { name: "YSQL_PASSWORD", valueFrom: { secretKeyRef: { name: "yb-auth", key: "password" } } },
              ],
              ports: [{ containerPort: 5433, name: "ysql" }],
              volumeMounts: [{ name: "data", mountPath: "/mnt/data" }],
            },
          ],
        },
      },
      volumeClaimTemplates: [{ metadata: { name: "data" }, spec: { accessModes: ["ReadWriteOnce"], resources: { requests: { storage: "50Gi" } } } }],
      ...over.spec,
    },
  });
}

export const ybPdb = (selector: unknown = { matchLabels: YB_LABELS }, maxUnavailable: unknown = 1): PolicyResource =>
  res("kubernetes:policy/v1:PodDisruptionBudget", "yb-pdb", {
    metadata: { name: "yb", namespace: "yb" },
    spec: { maxUnavailable, selector },
  });

export const k8sDeployment = (name: string, container: Record<string, unknown>, replicas = 2): PolicyResource =>
  res("kubernetes:apps/v1:Deployment", name, {
    metadata: { name, namespace: "yb" },
    spec: { replicas, selector: { matchLabels: { app: name } }, template: { metadata: { labels: { app: name } }, spec: { containers: [container] } } },
  });

// --- AWS ------------------------------------------------------------------------------------------------------

export const ybUserData = (location: string, tserverFlags = `--tserver_flags "ysql_enable_auth=true,ysql_sequence_cache_minval=1"`, extra = "", ft = "zone") => `#!/bin/bash
set -euo pipefail
curl -sfL https://software.yugabyte.com/releases/2025.2.1.0/yugabyte-2025.2.1.0-b141-linux-x86_64.tar.gz | tar -xz -C /opt
/opt/yugabyte-2025.2.1.0/bin/post_install.sh
cat >/etc/systemd/system/yugabyted.service <<'EOF'
[Service]
ExecStart=/opt/yugabyte-2025.2.1.0/bin/yugabyted start --background=false --base_dir=/data/yb \\
  --advertise_address=$(hostname -f) --cloud_location=${location} --fault_tolerance=${ft} \\
  ${tserverFlags}
EOF
systemctl enable --now yugabyted
${extra}
`;

export const ec2 = (name: string, userData: string, over: Record<string, unknown> = {}): PolicyResource =>
  res("aws:ec2/instance:Instance", name, {
    ami: "ami-0abcdef1234567890",
    instanceType: "m6i.xlarge",
    userData,
    rootBlockDevice: { encrypted: true, volumeSize: 100, volumeType: "gp3" },
    metadataOptions: { httpTokens: "required", httpEndpoint: "enabled" },
    ...over,
  });

export const kineUserData = `#!/bin/bash
KINE_PASSWORD=$(aws secretsmanager get-secret-value --secret-id yb-k3s/kine --query SecretString --output text)
curl -sfL -o /usr/local/bin/kine https://github.com/k3s-io/kine/releases/download/v0.16.4/kine-amd64
chmod +x /usr/local/bin/kine
/usr/local/bin/kine --endpoint "postgres://kine:\${KINE_PASSWORD}@yb-1.internal:5433/kine" --listen-address 0.0.0.0:2379 &
`;

export const k3sUserData = `#!/bin/bash
export K3S_TOKEN=$(aws ssm get-parameter --with-decryption --name /yb-k3s/token --query Parameter.Value --output text)
curl -sfL https://get.k3s.io | INSTALL_K3S_VERSION="v1.36.3+k3s1" sh -s - server \\
  --datastore-endpoint=http://kine.internal:2379 --tls-san k3s.internal
`;
