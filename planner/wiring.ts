/**
 * Who dials whom: the one set of connection facts of a plan (pure, no @pulumi import). The planner derives Kine's
 * database endpoint and every k3s server's `--datastore-endpoint` from it, the aws load balancers take their targets
 * from it, and the diagram, the fault analysis and the text plan read it, so none of them can tell another story.
 */

export type FrontendRole = "ysql" | "kine" | "k3s-api";

/** A name in front of several members: a Kubernetes Service, an AWS load balancer, a failover DNS record. */
export interface Frontend {
  /** Unique in the plan, never a member's name; the diagram's node id. */
  readonly id: string;
  readonly role: FrontendRole;
  readonly kind: "service" | "load balancer" | "failover record";
  /** The DNS name clients use; undefined when it has none of its own (behind a failover record, or named by AWS). */
  readonly host?: string;
  readonly port: number;
  /** The control-plane region it serves (aws: one per region). */
  readonly region?: string;
  /** Where it forwards: YugabyteDB node, Kine replica or k3s server names; for a failover record, frontend ids, preferred first. */
  readonly backends: readonly string[];
}

/** One configured connection: what a client dials and what is at the other end. */
export interface Link {
  /** The client: a Kine replica, a k3s server, or `kubeconfig`. */
  readonly from: string;
  /** As the client is configured: `host:port` (a DSN's address) or a URL. */
  readonly endpoint: string;
  /** The member dialled directly, or the id of the frontend in between. */
  readonly to: string;
}

export type HostRole = "yugabyte" | "kine" | "k3s";

/** A machine whose loss is a `node` failure. */
export interface Host {
  readonly name: string;
  readonly role: HostRole;
  readonly region: string;
  readonly zone: string;
}

export interface Wiring {
  readonly frontends: readonly Frontend[];
  /** Per Kine replica, its database connection: a YugabyteDB node, or a YSQL frontend. */
  readonly kineDatabase: readonly Link[];
  /** Per k3s server, one link per `--datastore-endpoint` entry: a Kine replica, or a Kine frontend. */
  readonly k3sDatastore: readonly Link[];
  /** The operator's kubeconfig: one k3s server, or an API frontend. */
  readonly api: Link;
  /**
   * Failure domains of kind `node`: every YugabyteDB node and, where Kine and k3s run on hosts of their own (aws: one
   * EC2 instance each), every Kine replica and k3s server. Elsewhere they run beside the nodes (one Docker host,
   * Kubernetes pods) and are lost with a zone or region only.
   */
  readonly hosts: readonly Host[];
}

/** The name the operator's kubeconfig link starts from. */
export const KUBECONFIG = "kubeconfig";

export const frontendById = (w: Pick<Wiring, "frontends">, id: string): Frontend | undefined => w.frontends.find((f) => f.id === id);

/** The members a link's target reaches: itself when it is a member, else its frontend's backends (failover records resolved). */
export function reach(w: Pick<Wiring, "frontends">, to: string): string[] {
  const f = frontendById(w, to);
  if (!f) return [to];
  return [...new Set(f.backends.flatMap((b) => reach(w, b)))];
}

/** The links a client has (k3s: one per datastore endpoint). */
export const linksFrom = (links: readonly Link[], from: string): Link[] => links.filter((l) => l.from === from);

/** Frontend ids: one per role (Kubernetes Services), or one per role and control-plane region (aws load balancers). */
export const frontendId = (role: FrontendRole, region?: string): string => (region === undefined ? role : `${role}-${region}`);
/** aws, with `publicK3sApi`: the internet-facing API load balancer (primary region). */
export const PUBLIC_API_FRONTEND = "k3s-api-public";

/** The load balancer of a role in a control-plane region (aws). */
export function regionalFrontend(w: Wiring, role: FrontendRole, region: string): Frontend {
  const f = frontendById(w, frontendId(role, region));
  if (!f) throw new Error(`plan has no ${role} load balancer in region ${region}`);
  return f;
}

/** A short label: `YSQL load balancer ysql.x.internal`, `Kine service kine.ns.svc...`, `k3s API load balancer (us-east-1)`. */
export function frontendLabel(f: Frontend): string {
  const role = f.role === "ysql" ? "YSQL" : f.role === "kine" ? "Kine" : "k3s API";
  return `${role} ${f.kind} ${f.host ?? `(${f.region ?? "no name"})`}`;
}
