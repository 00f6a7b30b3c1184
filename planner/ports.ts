/** Every port the control plane uses, in one place. Container/host-internal ports; host publishing is configured. */
export const ports = {
  masterRpc: 7100,
  masterUi: 7000,
  tserverRpc: 9100,
  tserverUi: 9000,
  ysql: 5433,
  ycql: 9042,
  yugabytedUi: 15433,
  kine: 2379,
  kineMetrics: 8080,
  k3sApi: 6443,
  k3sSupervisor: 9345,
  kubelet: 10250,
} as const;

export type PortName = keyof typeof ports;

/** Ports that speak SQL/CQL, YugabyteDB RPC or etcd: never reachable from outside the deployment. */
export const databasePortNames = ["masterRpc", "masterUi", "tserverRpc", "tserverUi", "ysql", "ycql", "yugabytedUi"] as const;
export const sensitivePorts: readonly number[] = [...databasePortNames.map((n) => ports[n]), ports.kine];

/** Host ports a Docker stack publishes, each a base from `yb-k3s:docker.hostPorts`. */
export const DOCKER_DATABASE_HOST_PORTS = ["ysql", "yugabytedUi", "masterUi", "tserverUi"] as const;
export type DockerHostPortName = (typeof DOCKER_DATABASE_HOST_PORTS)[number] | "k3sApi";

/** Node i publishes every database port at its base + i; k3s server i publishes the API at its base + i. */
export const hostPortOf = (base: number, index: number): number => base + index;

export interface HostPortRange {
  readonly name: DockerHostPortName;
  readonly first: number;
  readonly last: number;
}

/** The host port ranges a Docker stack publishes: database ports (when published) per node, the k3s API per server. */
export function dockerHostPortRanges(
  hostPorts: Readonly<Record<DockerHostPortName, number>>,
  o: { readonly nodes: number; readonly servers: number; readonly publishDatabasePorts: boolean },
): HostPortRange[] {
  const range = (name: DockerHostPortName, count: number): HostPortRange => ({ name, first: hostPorts[name], last: hostPortOf(hostPorts[name], count - 1) });
  return [...(o.publishDatabasePorts ? DOCKER_DATABASE_HOST_PORTS.map((n) => range(n, o.nodes)) : []), range("k3sApi", o.servers)];
}
