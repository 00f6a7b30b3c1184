import { sensitivePorts } from "../../planner/ports";
import { asArray, asString, get, isOpaque, T, toNumber } from "../extract";
import type { ResourceRule } from "../types";

const WORLD = (cidr: unknown): boolean => typeof cidr === "string" && /\/0$/.test(cidr.trim());

/** Sensitive ports inside [from, to] for a protocol (-1 / all = every port). */
export function coveredPorts(protocol: unknown, from: unknown, to: unknown): number[] {
  const proto = String(protocol ?? "tcp").toLowerCase();
  if (proto === "-1" || proto === "all") return [...sensitivePorts].sort((a, b) => a - b);
  if (proto !== "tcp" && proto !== "6") return [];
  const lo = toNumber(from);
  const hi = toNumber(to) ?? lo;
  if (lo === undefined || hi === undefined) return [];
  return sensitivePorts.filter((p) => p >= lo && p <= hi).sort((a, b) => a - b);
}

const isLoopback = (ip: unknown): boolean =>
  typeof ip === "string" && (/^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(ip) || ip === "::1" || ip === "[::1]" || ip === "localhost");

const fix =
  "Database (YSQL/YCQL), YugabyteDB RPC/UI and Kine/etcd ports must stay inside the deployment: allow them only from " +
  "the cluster's own security group or private CIDRs";

/** No database, YugabyteDB RPC or etcd port (planner/ports.ts `sensitivePorts`) is reachable from outside. */
export const noPublicDatabasePortsRule: ResourceRule = {
  kind: "resource",
  name: "no-public-database-ports",
  description: `Ports ${sensitivePorts.join(", ")} (YSQL, YCQL, YugabyteDB RPC/UI, Kine) are never open to 0.0.0.0/0, ::/0, a public Service or a non-loopback Docker publish.`,
  types: [T.securityGroup, T.sgRule, T.sgIngressRule, T.k8sService, T.dockerContainer],
  check(r) {
    const i = r.inputs;
    const out: string[] = [];
    const world = (cidrs: unknown[]) => cidrs.filter(WORLD).map(String);
    if (r.type === T.securityGroup) {
      asArray(i.ingress).forEach((rule, idx) => {
        const ports = coveredPorts(get(rule, "protocol"), get(rule, "fromPort"), get(rule, "toPort"));
        const open = [...world(asArray(get(rule, "cidrBlocks"))), ...world(asArray(get(rule, "ipv6CidrBlocks")))];
        if (ports.length && open.length)
          out.push(`ingress[${idx}] opens port(s) ${ports.join(", ")} to ${open.join(", ")}. ${fix} (securityGroups / cidrBlocks).`);
      });
    } else if (r.type === T.sgRule) {
      if (asString(i.type) !== "ingress") return out;
      const ports = coveredPorts(i.protocol, i.fromPort, i.toPort);
      const open = [...world(asArray(i.cidrBlocks)), ...world(asArray(i.ipv6CidrBlocks))];
      if (ports.length && open.length) out.push(`ingress rule opens port(s) ${ports.join(", ")} to ${open.join(", ")}. ${fix} (sourceSecurityGroupId).`);
    } else if (r.type === T.sgIngressRule) {
      const ports = coveredPorts(i.ipProtocol, i.fromPort, i.toPort);
      const open = [i.cidrIpv4, i.cidrIpv6].filter(WORLD).map(String);
      if (ports.length && open.length)
        out.push(`ingress rule opens port(s) ${ports.join(", ")} to ${open.join(", ")}. ${fix} (referencedSecurityGroupId).`);
    } else if (r.type === T.k8sService) {
      const type = asString(get(i, "spec", "type")) ?? "ClusterIP";
      if (type !== "LoadBalancer" && type !== "NodePort") return out;
      const exposed = new Set<number>();
      for (const p of asArray(get(i, "spec", "ports"))) {
        for (const v of [get(p, "port"), get(p, "targetPort")]) {
          const n = toNumber(v);
          if (n !== undefined && sensitivePorts.includes(n)) exposed.add(n);
        }
      }
      if (exposed.size)
        out.push(
          `Service of type ${type} exposes port(s) ${[...exposed].sort((a, b) => a - b).join(", ")} outside the cluster; use type ClusterIP (or a headless ` +
            `Service) for database and Kine ports and reach them from inside the cluster.`,
        );
    } else if (r.type === T.dockerContainer) {
      for (const p of asArray(i.ports)) {
        const internal = toNumber(get(p, "internal"));
        if (internal === undefined || !sensitivePorts.includes(internal)) continue;
        const ip = get(p, "ip");
        if (isOpaque(ip) || isLoopback(ip)) continue;
        out.push(
          `port ${internal} is published on ${typeof ip === "string" && ip ? ip : "all interfaces (ip unset = 0.0.0.0)"}; ` +
            `publish database and Kine ports on ip "127.0.0.1" only, or not at all (containers reach each other on the Docker network).`,
        );
      }
    }
    return out;
  },
};
