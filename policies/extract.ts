/**
 * Reads what a resource really launches: the processes (yugabyted, Kine, k3s) in a Docker container, a Kubernetes pod
 * template, EC2 user data or a one-shot script, with their arguments, replica count and images. Pure: no Pulumi import.
 */
import { gunzipSync } from "node:zlib";
import type { PolicyResource } from "./types";

/** What the CrossGuard adapter puts where a value is unknown during preview. */
export const UNKNOWN = "[unknown]";
/** What the plan command prints for a secret when it redacts inputs. */
export const SECRET = "[secret]";

export const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);
export const asArray = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
export const asString = (v: unknown): string | undefined => (typeof v === "string" ? v : undefined);
export const isOpaque = (v: unknown): boolean => v === UNKNOWN || v === SECRET;

/** Safe deep property read: `get(obj, "spec", "template", "spec")`. */
export function get(v: unknown, ...path: (string | number)[]): unknown {
  let cur: unknown = v;
  for (const p of path) {
    if (Array.isArray(cur) && typeof p === "number") cur = cur[p];
    else if (isRecord(cur)) cur = cur[p as string];
    else return undefined;
  }
  return cur;
}

export const toNumber = (v: unknown): number | undefined => {
  if (typeof v === "number" && Number.isFinite(v)) return v;
  if (typeof v === "string" && /^\s*-?\d+\s*$/.test(v)) return Number(v);
  return undefined;
};

// ---------------------------------------------------------------------------------------------------------------
// Shell-ish tokenizer: enough of POSIX sh to read launch lines in user data, `sh -c` scripts and systemd units.

/**
 * Split a script into commands (segments) of words. Handles single/double quotes, backslash escapes, line
 * continuations, `$(...)` / `${...}` kept inside a word, comments, and the separators newline ; & && | ||.
 */
export function splitShell(text: string): string[][] {
  const segments: string[][] = [];
  let seg: string[] = [];
  let word = "";
  let inWord = false;
  const endWord = () => {
    if (inWord) seg.push(word);
    word = "";
    inWord = false;
  };
  const endSeg = () => {
    endWord();
    if (seg.length) segments.push(seg);
    seg = [];
  };
  let i = 0;
  const n = text.length;
  while (i < n) {
    const c = text[i];
    if (c === "\\") {
      if (text[i + 1] === "\n") {
        i += 2;
        continue;
      }
      if (text[i + 1] === "\r" && text[i + 2] === "\n") {
        i += 3;
        continue;
      }
      if (i + 1 < n) {
        word += text[i + 1];
        inWord = true;
      }
      i += 2;
      continue;
    }
    if (c === "'") {
      const close = text.indexOf("'", i + 1);
      const end = close < 0 ? n : close;
      word += text.slice(i + 1, end);
      inWord = true;
      i = end + 1;
      continue;
    }
    if (c === '"') {
      inWord = true;
      i++;
      while (i < n && text[i] !== '"') {
        if (text[i] === "\\" && i + 1 < n && '"\\$`\n'.includes(text[i + 1])) {
          if (text[i + 1] !== "\n") word += text[i + 1];
          i += 2;
        } else {
          word += text[i++];
        }
      }
      i++;
      continue;
    }
    if (c === "$" && (text[i + 1] === "(" || text[i + 1] === "{")) {
      const open = text[i + 1];
      const close = open === "(" ? ")" : "}";
      let depth = 0;
      let j = i + 1;
      for (; j < n; j++) {
        if (text[j] === open) depth++;
        else if (text[j] === close && --depth === 0) break;
      }
      word += text.slice(i, Math.min(j + 1, n));
      inWord = true;
      i = j + 1;
      continue;
    }
    if (c === "#" && !inWord) {
      const nl = text.indexOf("\n", i);
      i = nl < 0 ? n : nl;
      continue;
    }
    if (c === " " || c === "\t" || c === "\r") {
      endWord();
      i++;
      continue;
    }
    if (c === "\n" || c === ";") {
      endSeg();
      i++;
      continue;
    }
    if (c === "&" || c === "|") {
      endSeg();
      i += text[i + 1] === c ? 2 : 1;
      continue;
    }
    word += c;
    inWord = true;
    i++;
  }
  endSeg();
  return segments;
}

/** Replace `$(NAME)`, `${NAME}` and `$NAME` with literal values from the container's environment, when known. */
export function substituteEnv(token: string, env: Readonly<Record<string, string>>): string {
  return token.replace(/\$\(([A-Za-z_][A-Za-z0-9_]*)\)|\$\{([A-Za-z_][A-Za-z0-9_]*)\}|\$([A-Za-z_][A-Za-z0-9_]*)/g, (m, a, b, c) => {
    const v = env[a ?? b ?? c];
    return v === undefined ? m : v;
  });
}

/** Every value given to `name`, as `--name=value` or `--name value`. */
export function flagValues(args: readonly string[], name: string): string[] {
  const out: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const t = args[i];
    if (t === name) {
      const next = args[i + 1];
      if (next !== undefined && !next.startsWith("--")) out.push(next);
      else out.push("");
    } else if (t.startsWith(name + "=")) {
      out.push(t.slice(name.length + 1));
    }
  }
  return out;
}

export const hasFlag = (args: readonly string[], name: string): boolean =>
  args.some((t) => t === name || t.startsWith(name + "="));

export const lastFlag = (args: readonly string[], name: string): string | undefined => {
  const v = flagValues(args, name);
  return v.length ? v[v.length - 1] : undefined;
};

// ---------------------------------------------------------------------------------------------------------------
// Processes

export type ProcessKind = "yb-start" | "yb-configure" | "kine" | "k3s-server";

export interface Process {
  kind: ProcessKind;
  /** Arguments after the subcommand (`yugabyted start` / `configure data_placement` / `k3s server`) or binary (kine). */
  args: string[];
}

const basename = (t: string): string => {
  const s = t.replace(/^[A-Za-z_][A-Za-z0-9_]*=/, ""); // ExecStart=/usr/local/bin/kine, VAR=cmd
  return s.slice(s.lastIndexOf("/") + 1);
};
const SHELLS = /(^|\/)(ba|a|da|z)?sh$/;
const KINE_BINARIES = new Set(["kine", "kine-amd64", "kine-arm64"]);

/** Words that may stand before the command itself: `VAR=value`, `exec`, `sudo`, `nohup`, `env`, `ExecStart=`. */
const PRECOMMAND = new Set(["exec", "sudo", "nohup", "env", "command", "nice"]);
function isCommandWord(tokens: readonly string[], i: number): boolean {
  if (/^[A-Za-z_][A-Za-z0-9_]*=./.test(tokens[i])) return true; // ExecStart=/usr/local/bin/kine
  return tokens.slice(0, i).every((t) => PRECOMMAND.has(t) || /^[A-Za-z_][A-Za-z0-9_]*=/.test(t) || (t.startsWith("-") && PRECOMMAND.has(tokens[0])));
}

/** Find a yugabyted / Kine / k3s launch in one command line. */
export function classifySegment(tokens: readonly string[]): Process | undefined {
  for (let i = 0; i < tokens.length; i++) {
    const b = basename(tokens[i]);
    if (b === "yugabyted") {
      if (tokens[i + 1] === "start") return { kind: "yb-start", args: tokens.slice(i + 2) };
      if (tokens[i + 1] === "configure" && tokens[i + 2] === "data_placement")
        return { kind: "yb-configure", args: tokens.slice(i + 3) };
    }
    // `yb-admin -master_addresses ... modify_placement_info <cloud.region.zone[:n],...> <RF>` sets placement like
    // `yugabyted configure data_placement`; normalised to the same flags.
    if (b === "yb-admin") {
      const k = tokens.indexOf("modify_placement_info", i + 1);
      if (k > 0 && tokens[k + 2] !== undefined)
        return { kind: "yb-configure", args: [`--constraint_value=${tokens[k + 1]}`, `--rf=${tokens[k + 2]}`] };
    }
    // Kine only as the command word: `kine` is also a role, database and table name (`ysql_dump -U kine -d kine --data-only`).
    if (KINE_BINARIES.has(b) && isCommandWord(tokens, i) && tokens.slice(i + 1).some((t) => t.startsWith("--")))
      return { kind: "kine", args: tokens.slice(i + 1) };
    if (b === "k3s" && tokens[i + 1] === "server") return { kind: "k3s-server", args: tokens.slice(i + 2) };
    if (tokens[i].startsWith("INSTALL_K3S_EXEC=")) {
      const exec = splitShell(tokens[i].slice("INSTALL_K3S_EXEC=".length))[0] ?? [];
      if (exec[0] === "server") return { kind: "k3s-server", args: [...exec.slice(1), ...trailingInstallerArgs(tokens)] };
    }
  }
  // `curl -sfL https://get.k3s.io | sh -s - server --datastore-endpoint=...`
  const sh = tokens.findIndex((t) => SHELLS.test(t));
  const dash = sh < 0 ? -1 : tokens.indexOf("-", sh + 1);
  if (dash > 0 && tokens[dash + 1] === "server") return { kind: "k3s-server", args: tokens.slice(dash + 2) };
  return undefined;
}

function trailingInstallerArgs(tokens: readonly string[]): string[] {
  const dash = tokens.indexOf("-");
  return dash >= 0 ? tokens.slice(dash + 1) : [];
}

/** Every launch in a script (user data, `sh -c` body, ConfigMap script, systemd unit in a heredoc). */
export function processesInScript(text: string, env: Readonly<Record<string, string>> = {}): Process[] {
  const out: Process[] = [];
  for (const seg of splitShell(text)) {
    const p = classifySegment(seg.map((t) => substituteEnv(t, env)));
    if (p) out.push(p);
  }
  return out;
}

/**
 * Launches in a container's argv (entrypoint/command + args). Elements after a shell's `-c`, or holding newlines,
 * are scripts; others are single words. `image` decides when the argv is only flags (Kine, k3s images).
 */
export function processesInArgv(argv: readonly string[], image: string | undefined, env: Readonly<Record<string, string>>): Process[] {
  const words: string[] = [];
  const out: Process[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const isScript = a.includes("\n") || (i > 0 && argv[i - 1] === "-c" && argv.slice(0, i - 1).some((w) => SHELLS.test(w)));
    if (isScript) out.push(...processesInScript(a, env));
    else words.push(substituteEnv(a, env));
  }
  const direct = classifySegment(words);
  if (direct) out.unshift(direct);
  else if (words.length && !out.length) {
    // The argv is only the image's CMD (Kine's and k3s' entrypoints are the binaries). When the image is an id
    // (a RemoteImage's sha256), recognise them by flags only they take.
    const repo = image && !/^sha256:/.test(image) ? imageRepository(image) : undefined;
    const kine = repo ? /(^|\/)rancher\/kine$/.test(repo) : hasFlag(words, "--listen-address") || hasFlag(words, "--endpoint");
    const k3s = repo ? /(^|\/)rancher\/k3s$/.test(repo) : ["--datastore-endpoint", "--tls-san", "--token", "--token-file", "--cluster-init"].some((f) => hasFlag(words, f));
    if (kine && words[0] !== "server" && words.some((w) => w.startsWith("--"))) out.unshift({ kind: "kine", args: words });
    else if (k3s && words[0] === "server") out.unshift({ kind: "k3s-server", args: words.slice(1) });
  }
  return out;
}

// ---------------------------------------------------------------------------------------------------------------
// Images

/** `registry:5000/ns/repo:tag@sha256:...` -> `registry:5000/ns/repo` (tag and digest dropped). */
export function imageRepository(image: string): string {
  const noDigest = image.split("@")[0];
  const slash = noDigest.lastIndexOf("/");
  const colon = noDigest.lastIndexOf(":");
  return colon > slash ? noDigest.slice(0, colon) : noDigest;
}

export function imageTag(image: string): string | undefined {
  const noDigest = image.split("@")[0];
  const slash = noDigest.lastIndexOf("/");
  const colon = noDigest.lastIndexOf(":");
  return colon > slash ? noDigest.slice(colon + 1) : undefined;
}

export const imageHasDigest = (image: string): boolean => /@sha256:[0-9a-f]{64}$/.test(image) || /^sha256:[0-9a-f]{64}$/.test(image);

// ---------------------------------------------------------------------------------------------------------------
// Workloads: one per resource that runs or configures something.

export interface Container {
  name?: string;
  image?: string;
  /** Env vars with literal values (k8s `value`, Docker `K=V`). */
  env: Record<string, string>;
  /** Env entries as written, for the secrets rule. */
  envEntries: { name: string; value?: string; fromSecret: boolean }[];
  argv: string[];
  opaque: boolean;
  processes: Process[];
}

export interface Workload {
  resource: PolicyResource;
  source: "docker" | "pod" | "ec2" | "script";
  /** How many copies run (k8s replicas, 1 per container/instance, 0 for one-shot jobs and scripts). */
  replicas: number;
  containers: Container[];
  /** User data / script texts (EC2, ConfigMap, command:Command). */
  scripts: string[];
  processes: Process[];
  /** Part of what it runs is unknown (preview), a secret or a hash: counts based on it are incomplete. */
  opaque: boolean;
  podSpec?: Record<string, unknown>;
  podLabels?: Record<string, string>;
  namespace?: string;
}

export const POD_KINDS: Readonly<Record<string, { spec: string[]; labels: string[]; replicas: "spec" | number }>> = {
  "kubernetes:core/v1:Pod": { spec: ["spec"], labels: ["metadata", "labels"], replicas: 1 },
  "kubernetes:apps/v1:Deployment": { spec: ["spec", "template", "spec"], labels: ["spec", "template", "metadata", "labels"], replicas: "spec" },
  "kubernetes:apps/v1:StatefulSet": { spec: ["spec", "template", "spec"], labels: ["spec", "template", "metadata", "labels"], replicas: "spec" },
  "kubernetes:apps/v1:ReplicaSet": { spec: ["spec", "template", "spec"], labels: ["spec", "template", "metadata", "labels"], replicas: "spec" },
  "kubernetes:apps/v1:DaemonSet": { spec: ["spec", "template", "spec"], labels: ["spec", "template", "metadata", "labels"], replicas: 1 },
  "kubernetes:batch/v1:Job": { spec: ["spec", "template", "spec"], labels: ["spec", "template", "metadata", "labels"], replicas: 0 },
  "kubernetes:batch/v1:CronJob": {
    spec: ["spec", "jobTemplate", "spec", "template", "spec"],
    labels: ["spec", "jobTemplate", "spec", "template", "metadata", "labels"],
    replicas: 0,
  },
};

export const T = {
  dockerContainer: "docker:index/container:Container",
  dockerRemoteImage: "docker:index/remoteImage:RemoteImage",
  dockerVolume: "docker:index/volume:Volume",
  ec2Instance: "aws:ec2/instance:Instance",
  launchTemplate: "aws:ec2/launchTemplate:LaunchTemplate",
  asg: "aws:autoscaling/group:Group",
  ebsVolume: "aws:ebs/volume:Volume",
  securityGroup: "aws:ec2/securityGroup:SecurityGroup",
  sgRule: "aws:ec2/securityGroupRule:SecurityGroupRule",
  sgIngressRule: "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule",
  k8sService: "kubernetes:core/v1:Service",
  k8sConfigMap: "kubernetes:core/v1:ConfigMap",
  k8sPvc: "kubernetes:core/v1:PersistentVolumeClaim",
  k8sPdb: "kubernetes:policy/v1:PodDisruptionBudget",
  statefulSet: "kubernetes:apps/v1:StatefulSet",
  localCommand: "command:local:Command",
  remoteCommand: "command:remote:Command",
} as const;

/** Decode base64 user data (optionally gzip'ed); undefined when it is not readable text. */
export function decodeUserData(b64: string): string | undefined {
  const compact = b64.replace(/\s+/g, "");
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(compact) || compact.length % 4 !== 0) return undefined;
  let buf = Buffer.from(compact, "base64");
  if (buf[0] === 0x1f && buf[1] === 0x8b) {
    try {
      buf = gunzipSync(buf);
    } catch {
      return undefined;
    }
  }
  const text = buf.toString("utf8");
  // eslint-disable-next-line no-control-regex
  return /[\u0000-\u0008\u000e-\u001f\ufffd]/.test(text) ? undefined : text;
}

/** The user data text of an EC2 instance or launch template, or `opaque` when it cannot be read. */
export function userDataOf(r: PolicyResource): { text?: string; opaque: boolean } {
  const i = r.inputs;
  if (r.type === T.ec2Instance) {
    if (typeof i.userData === "string") {
      if (isOpaque(i.userData) || /^[0-9a-f]{40}$/.test(i.userData)) return { opaque: true }; // state keeps a SHA-1
      return { text: i.userData, opaque: false };
    }
    if (typeof i.userDataBase64 === "string") {
      const t = isOpaque(i.userDataBase64) ? undefined : decodeUserData(i.userDataBase64);
      return t === undefined ? { opaque: true } : { text: t, opaque: false };
    }
    return { opaque: isOpaque(i.userData) || isOpaque(i.userDataBase64) };
  }
  if (r.type === T.launchTemplate) {
    if (typeof i.userData !== "string") return { opaque: false };
    const t = isOpaque(i.userData) ? undefined : decodeUserData(i.userData);
    return t === undefined ? { opaque: true } : { text: t, opaque: false };
  }
  return { opaque: false };
}

function dockerContainer(r: PolicyResource): Container {
  const i = r.inputs;
  const image = asString(i.image);
  const envEntries = asArray(i.envs)
    .filter((e): e is string => typeof e === "string")
    .map((e) => {
      const eq = e.indexOf("=");
      return eq < 0 ? { name: e, fromSecret: false } : { name: e.slice(0, eq), value: e.slice(eq + 1), fromSecret: false };
    });
  const env = Object.fromEntries(envEntries.filter((e) => e.value !== undefined && !isOpaque(e.value)).map((e) => [e.name, e.value as string]));
  const rawArgv = [...asArray(i.entrypoints), ...asArray(i.command)];
  const opaque = rawArgv.some((a) => typeof a !== "string" || isOpaque(a)) || isOpaque(i.command) || isOpaque(i.image);
  const argv = rawArgv.filter((a): a is string => typeof a === "string");
  return { name: asString(i.name), image, env, envEntries, argv, opaque, processes: processesInArgv(argv, image, env) };
}

function k8sContainer(c: unknown): Container {
  const image = asString(get(c, "image"));
  const envEntries = asArray(get(c, "env")).map((e) => ({
    name: String(get(e, "name") ?? ""),
    value: asString(get(e, "value")),
    fromSecret: get(e, "valueFrom", "secretKeyRef") !== undefined,
  }));
  const env = Object.fromEntries(envEntries.filter((e) => e.value !== undefined && !isOpaque(e.value)).map((e) => [e.name, e.value as string]));
  const rawArgv = [...asArray(get(c, "command")), ...asArray(get(c, "args"))];
  const opaque = rawArgv.some((a) => typeof a !== "string" || isOpaque(a)) || isOpaque(get(c, "command")) || isOpaque(get(c, "args"));
  const argv = rawArgv.filter((a): a is string => typeof a === "string");
  return { name: asString(get(c, "name")), image, env, envEntries, argv, opaque, processes: processesInArgv(argv, image, env) };
}

export function podContainers(podSpec: unknown): unknown[] {
  return [...asArray(get(podSpec, "initContainers")), ...asArray(get(podSpec, "containers")), ...asArray(get(podSpec, "ephemeralContainers"))];
}

const stringRecord = (v: unknown): Record<string, string> | undefined =>
  isRecord(v) ? Object.fromEntries(Object.entries(v).filter(([, x]) => typeof x === "string")) as Record<string, string> : undefined;

/** How many instances an autoscaling group runs from this launch template (matched by id or name), if any. */
function asgReplicas(lt: PolicyResource, all: readonly PolicyResource[]): number | undefined {
  const keys = new Set([asString(lt.inputs.id), asString(lt.inputs.name), lt.name].filter((x): x is string => !!x));
  let total: number | undefined;
  for (const g of all) {
    if (g.type !== T.asg) continue;
    const ref = g.inputs.launchTemplate;
    const refKeys = [asString(get(ref, "id")), asString(get(ref, "name"))];
    if (!refKeys.some((k) => k !== undefined && keys.has(k))) continue;
    const n = toNumber(g.inputs.desiredCapacity) ?? toNumber(g.inputs.minSize) ?? 0;
    total = (total ?? 0) + n;
  }
  return total;
}

const NO_RESOURCES: readonly PolicyResource[] = [];
const workloads = new WeakMap<PolicyResource, WeakMap<readonly PolicyResource[], Workload | null>>();

/**
 * What a resource runs; undefined when it runs nothing this pack understands. Several rules ask about the same
 * resource and parsing its scripts is the expensive part, so the answer is kept per resource object (and resource
 * list): treat it as read-only.
 */
export function workloadOf(r: PolicyResource, all: readonly PolicyResource[] = NO_RESOURCES): Workload | undefined {
  let byList = workloads.get(r);
  if (!byList) workloads.set(r, (byList = new WeakMap()));
  const hit = byList.get(all);
  if (hit !== undefined) return hit ?? undefined;
  const w = computeWorkload(r, all);
  byList.set(all, w ?? null);
  return w;
}

function computeWorkload(r: PolicyResource, all: readonly PolicyResource[]): Workload | undefined {
  const base = { resource: r, containers: [] as Container[], scripts: [] as string[], processes: [] as Process[], opaque: false };
  if (r.type === T.dockerContainer) {
    const c = dockerContainer(r);
    return { ...base, source: "docker", replicas: 1, containers: [c], processes: c.processes, opaque: c.opaque };
  }
  const pod = POD_KINDS[r.type];
  if (pod) {
    const spec = get(r.inputs, ...pod.spec);
    if (isOpaque(get(r.inputs, "spec"))) return { ...base, source: "pod", replicas: 0, opaque: true };
    const containers = podContainers(spec).map(k8sContainer);
    const replicas = pod.replicas === "spec" ? (toNumber(get(r.inputs, "spec", "replicas")) ?? 1) : pod.replicas;
    return {
      ...base,
      source: "pod",
      replicas,
      containers,
      processes: containers.flatMap((c) => c.processes),
      opaque: containers.some((c) => c.opaque),
      podSpec: isRecord(spec) ? spec : undefined,
      podLabels: stringRecord(get(r.inputs, ...pod.labels)) ?? {},
      namespace: asString(get(r.inputs, "metadata", "namespace")) ?? "default",
    };
  }
  if (r.type === T.ec2Instance || r.type === T.launchTemplate) {
    const ud = userDataOf(r);
    const replicas = r.type === T.ec2Instance ? 1 : (asgReplicas(r, all) ?? 1);
    const scripts = ud.text !== undefined ? [ud.text] : [];
    return { ...base, source: "ec2", replicas, scripts, processes: scripts.flatMap((s) => processesInScript(s)), opaque: ud.opaque };
  }
  if (r.type === T.k8sConfigMap || r.type === T.localCommand || r.type === T.remoteCommand) {
    const values = r.type === T.k8sConfigMap ? Object.values(isRecord(r.inputs.data) ? r.inputs.data : {}) : [r.inputs.create];
    const scripts = values.filter((v): v is string => typeof v === "string" && !isOpaque(v));
    const processes = scripts.flatMap((s) => processesInScript(s));
    if (!processes.length && !values.some(isOpaque)) return undefined;
    return { ...base, source: "script", replicas: 0, scripts, processes, opaque: values.some(isOpaque) };
  }
  return undefined;
}

export function workloadsOf(resources: readonly PolicyResource[]): Workload[] {
  return resources.map((r) => workloadOf(r, resources)).filter((w): w is Workload => w !== undefined);
}

/** All images a resource runs or pulls, with where they are set (for messages). */
export function imagesOf(r: PolicyResource): { image: unknown; where: string }[] {
  if (r.type === T.dockerContainer) return [{ image: r.inputs.image, where: "image" }];
  if (r.type === T.dockerRemoteImage) return [{ image: r.inputs.name, where: "name" }];
  const pod = POD_KINDS[r.type];
  if (!pod) return [];
  const spec = get(r.inputs, ...pod.spec);
  return podContainers(spec).map((c, idx) => ({ image: get(c, "image"), where: `container ${String(get(c, "name") ?? idx)}` }));
}

/** Parse `--cloud_location=cloud.region.zone`. */
export function parseCloudLocation(v: string | undefined): { cloud: string; region: string; zone: string } | undefined {
  if (!v) return undefined;
  const parts = v.split(".");
  if (parts.length !== 3 || parts.some((p) => !p || p.includes("$"))) return undefined;
  return { cloud: parts[0], region: parts[1], zone: parts[2] };
}
