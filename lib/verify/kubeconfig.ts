/**
 * Read a kubeconfig (YAML or JSON, the program's `kubeconfig` output or any admin kubeconfig) into what an HTTPS
 * client needs: server URL, CA, and a client certificate or a bearer token. Pure apart from reading the files a
 * kubeconfig may point at (`certificate-authority`, `client-certificate`, `client-key`, relative to the kubeconfig).
 */
import { readFileSync } from "node:fs";
import { dirname, isAbsolute, join } from "node:path";
import { parse } from "yaml";

export interface KubeAccess {
  readonly context: string;
  readonly server: string;
  readonly ca?: Buffer;
  readonly cert?: Buffer;
  readonly key?: Buffer;
  readonly token?: string;
  readonly insecureSkipTlsVerify: boolean;
}

interface Named<T> {
  readonly name: string;
  readonly [k: string]: unknown;
  readonly value?: T;
}

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === "object" && v !== null && !Array.isArray(v);
const str = (o: Obj, k: string): string | undefined => (typeof o[k] === "string" ? (o[k] as string) : undefined);

function pick(list: unknown, name: string, field: string, what: string): Obj {
  const items = Array.isArray(list) ? (list as Named<unknown>[]) : [];
  const found = items.find((i) => isObj(i) && i.name === name);
  const inner = found && isObj(found) ? (found as Obj)[field] : undefined;
  if (!isObj(inner)) throw new Error(`kubeconfig: no ${what} named '${name}'`);
  return inner;
}

/**
 * @param text the kubeconfig's content
 * @param baseDir directory relative file references resolve against (the kubeconfig's own directory)
 * @param context a context name; the kubeconfig's current-context when omitted
 */
export function parseKubeconfig(text: string, baseDir: string, context?: string, read: (p: string) => Buffer = (p) => readFileSync(p)): KubeAccess {
  let doc: unknown;
  try {
    doc = parse(text);
  } catch (e) {
    throw new Error(`kubeconfig: not YAML/JSON (${e instanceof Error ? e.message.split("\n")[0] : String(e)})`);
  }
  if (!isObj(doc)) throw new Error("kubeconfig: not a mapping");
  const ctxName = context ?? str(doc, "current-context");
  if (!ctxName) throw new Error("kubeconfig: no current-context and no context given");
  const ctx = pick(doc.contexts, ctxName, "context", "context");
  const clusterName = str(ctx, "cluster");
  const userName = str(ctx, "user");
  if (!clusterName) throw new Error(`kubeconfig: context '${ctxName}' names no cluster`);
  const cluster = pick(doc.clusters, clusterName, "cluster", "cluster");
  const user = userName ? pick(doc.users, userName, "user", "user") : {};
  const server = str(cluster, "server");
  if (!server) throw new Error(`kubeconfig: cluster '${clusterName}' has no server`);
  const file = (p: string) => read(isAbsolute(p) ? p : join(baseDir, p));
  const material = (o: Obj, dataKey: string, fileKey: string): Buffer | undefined => {
    const data = str(o, dataKey);
    if (data) return Buffer.from(data, "base64");
    const f = str(o, fileKey);
    return f ? file(f) : undefined;
  };
  if (user.exec !== undefined || user["auth-provider"] !== undefined)
    throw new Error(`kubeconfig: user '${userName}' authenticates with an exec/auth-provider plugin, which verify does not run; use a kubeconfig with a client certificate or token`);
  const tokenFile = str(user, "tokenFile");
  return {
    context: ctxName,
    server: server.replace(/\/+$/, ""),
    ca: material(cluster, "certificate-authority-data", "certificate-authority"),
    cert: material(user, "client-certificate-data", "client-certificate"),
    key: material(user, "client-key-data", "client-key"),
    token: str(user, "token") ?? (tokenFile ? file(tokenFile).toString("utf8").trim() : undefined),
    insecureSkipTlsVerify: cluster["insecure-skip-tls-verify"] === true,
  };
}

export function readKubeconfig(path: string, context?: string): KubeAccess {
  return parseKubeconfig(readFileSync(path, "utf8"), dirname(path), context);
}
