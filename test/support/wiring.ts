/**
 * Who dials whom, read back from the registered resources alone (never from the plan's wiring): Kine's DSN and every
 * k3s server's `--datastore-endpoint` as the containers, pods and instances are configured, resolved through the
 * Docker network aliases, Kubernetes Services and their selectors, or Route 53 records, load balancers, listeners,
 * target groups and instance addresses. The plan's renderings are compared with this.
 */
import { resourceStates } from "../../lib/mocks";
import type { PlanReport } from "../../lib/plan";

type Res = PlanReport["recorded"][number];
type Obj = Record<string, unknown>;

export interface ResourceWiring {
  /** Kine replica -> its DSN's `host:port`, and the YugabyteDB nodes that reaches. */
  readonly kineEndpoint: Map<string, string>;
  readonly kineDatabase: Map<string, string[]>;
  /** k3s server -> its `--datastore-endpoint` entries, and the Kine replicas they reach. */
  readonly k3sEndpoints: Map<string, string[]>;
  readonly k3sDatastore: Map<string, string[]>;
  /** The k3s servers the stack's kubeconfig URL (output `k3sApiUrl`) reaches. */
  readonly api: string[];
  /** aws: every EC2 instance, by name (each one a host whose loss is a `node` failure). */
  readonly instances: string[];
}

const obj = (v: unknown): Obj => (v && typeof v === "object" ? (v as Obj) : {});
const arr = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
const str = (v: unknown): string => (typeof v === "string" ? v : "");
const uniq = (xs: string[]): string[] => [...new Set(xs)].sort();
const hostOf = (endpoint: string): string => (endpoint.includes("://") ? new URL(endpoint).hostname : endpoint.slice(0, endpoint.lastIndexOf(":")));
const hostPort = (dsn: string): string => {
  const u = new URL(dsn);
  return `${u.hostname}:${u.port}`;
};
const flag = (args: readonly string[], name: string): string | undefined => args.find((a) => a.startsWith(`${name}=`))?.slice(name.length + 1);

export function wiringFromResources(r: PlanReport): ResourceWiring {
  const kineNames = r.plan.kine.replicas.map((k) => k.name);
  const serverNames = r.plan.k3s.servers.map((s) => s.name);
  const ofType = (type: string) => r.recorded.filter((x) => x.type === type);
  const inputs = (x: Res): Obj => x.revealedInputs;
  const kineEndpoint = new Map<string, string>();
  const k3sEndpoints = new Map<string, string[]>();
  let resolve: (host: string) => string[];
  let instances: string[] = [];

  if (r.target === "docker") {
    const containers = ofType("docker:index/container:Container");
    const byHost = (host: string) =>
      containers.filter((c) => inputs(c).hostname === host || arr(inputs(c).networksAdvanced).some((n) => arr(obj(n).aliases).includes(host))).map((c) => c.name);
    resolve = byHost;
    for (const c of containers) {
      const cmd = arr(inputs(c).command).map(str);
      const dsn = flag(cmd, "--endpoint");
      if (dsn) kineEndpoint.set(c.name, hostPort(dsn));
      const ds = cmd[0] === "server" ? flag(cmd, "--datastore-endpoint") : undefined;
      if (ds) k3sEndpoints.set(c.name, ds.split(","));
    }
    // The kubeconfig URL's port is one server's published port.
    const port = Number(new URL(str(r.outputs.k3sApiUrl)).port);
    const published = containers.filter((c) => arr(inputs(c).ports).some((p) => obj(p).external === port)).map((c) => c.name);
    return finish(published);
  }

  if (r.target === "kubernetes") {
    const meta = (x: Res) => obj(inputs(x).metadata);
    const spec = (x: Res) => obj(inputs(x).spec);
    const workloads = [...ofType("kubernetes:apps/v1:StatefulSet"), ...ofType("kubernetes:apps/v1:Deployment")];
    const podsOf = (w: Res) => Array.from({ length: Number(spec(w).replicas ?? 1) }, (_, i) => `${str(meta(w).name)}-${i}`);
    const matches = (selector: Obj, labels: Obj) => Object.entries(selector).every(([k, v]) => labels[k] === v);
    resolve = (host) => {
      const [name, namespace] = host.split(".");
      const svc = ofType("kubernetes:core/v1:Service").find((s) => meta(s).name === name && meta(s).namespace === namespace);
      if (!svc) return [];
      const selector = obj(spec(svc).selector);
      return workloads.filter((w) => matches(selector, obj(obj(obj(spec(w).template).metadata).labels))).flatMap(podsOf);
    };
    const secrets = ofType("kubernetes:core/v1:Secret");
    for (const w of workloads) {
      for (const c of arr(obj(obj(spec(w).template).spec).containers).map(obj)) {
        const args = arr(c.args).map(str);
        const ds = args[0] === "server" ? flag(args, "--datastore-endpoint") : undefined;
        if (ds) for (const pod of podsOf(w)) k3sEndpoints.set(pod, ds.split(","));
        const ref = arr(c.env).map(obj).find((e) => e.name === "KINE_ENDPOINT");
        const key = obj(obj(ref?.valueFrom).secretKeyRef);
        if (ref) {
          const secret = secrets.find((s) => meta(s).name === key.name && meta(s).namespace === meta(w).namespace);
          const dsn = str(obj(secret ? inputs(secret).stringData : undefined)[str(key.key)]);
          for (const pod of podsOf(w)) kineEndpoint.set(pod, hostPort(dsn));
        }
      }
    }
    return finish(resolve(hostOf(str(r.outputs.k3sApiUrl))));
  }

  // aws: DNS record -> load balancer -> listener -> target group -> attachments -> instances (by private address).
  const state = (x: Res) => (resourceStates.get(x.type) as (i: Obj, name: string) => Obj)(inputs(x), x.name);
  const ec2 = ofType("aws:ec2/instance:Instance");
  instances = ec2.map((i) => i.name);
  const byIp = new Map(ec2.map((i) => [str(inputs(i).privateIp), i.name]));
  const lbs = ofType("aws:lb/loadBalancer:LoadBalancer").map((lb) => ({ dns: str(state(lb).dnsName), arn: str(state(lb).arn) }));
  const behindLb = (arn: string) =>
    ofType("aws:lb/listener:Listener")
      .filter((l) => inputs(l).loadBalancerArn === arn)
      .flatMap((l) => arr(inputs(l).defaultActions).map((a) => str(obj(a).targetGroupArn)))
      .flatMap((tg) => ofType("aws:lb/targetGroupAttachment:TargetGroupAttachment").filter((a) => inputs(a).targetGroupArn === tg))
      .map((a) => byIp.get(str(inputs(a).targetId)) ?? `?${str(inputs(a).targetId)}`);
  resolve = (host) => {
    const aliases = ofType("aws:route53/record:Record")
      .filter((rec) => inputs(rec).name === host)
      .flatMap((rec) => arr(inputs(rec).aliases).map((a) => str(obj(a).name)));
    return [...aliases, host].flatMap((dns) => lbs.filter((lb) => lb.dns === dns)).flatMap((lb) => behindLb(lb.arn));
  };
  const providerRegion = (x: Res) => {
    const urn = (x.provider ?? "").split("::").slice(0, -1).join("::");
    return str(inputs(r.recorded.find((p) => p.urn === urn) as Res).region);
  };
  for (const i of ec2) {
    const ud = str(inputs(i).userData);
    if (kineNames.includes(i.name)) {
      // Kine reads its DSN from an SSM parameter in its own region.
      const region = ud.match(/SSM_REGION='([^']+)'/)?.[1];
      const path = ud.match(/DSN=\$\(ssm_get '([^']+)'\)/)?.[1];
      const param = ofType("aws:ssm/parameter:Parameter").find((p) => inputs(p).name === path && providerRegion(p) === region);
      kineEndpoint.set(i.name, hostPort(str(param ? inputs(param).value : "")));
    }
    const ds = ud.match(/"--datastore-endpoint=([^"]+)"/)?.[1];
    if (serverNames.includes(i.name) && ds) k3sEndpoints.set(i.name, ds.split(","));
  }
  return finish(resolve(hostOf(str(r.outputs.k3sApiUrl))));

  function finish(api: string[]): ResourceWiring {
    return {
      kineEndpoint,
      kineDatabase: new Map([...kineEndpoint].map(([k, ep]) => [k, uniq(resolve(hostOf(ep)))])),
      k3sEndpoints,
      k3sDatastore: new Map([...k3sEndpoints].map(([s, eps]) => [s, uniq(eps.flatMap((ep) => resolve(hostOf(ep))))])),
      api: uniq(api),
      instances,
    };
  }
}
