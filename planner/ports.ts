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
