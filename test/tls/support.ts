/** Helpers for the TLS tests: the shipped local and dev stacks with `tls.enabled: true`, run like `plan` runs them. */
import { planStack, type PlanReport } from "../../lib/plan";
import { readStackFile, stackFilePath, type StackFile } from "../../lib/stackFile";
import { KINE_TLS_FILES } from "../../planner/tls";

/** The flags every Kine launch carries with TLS on: mutual TLS towards k3s, verify-full plus a client cert towards YSQL. */
export const KINE_TLS_FLAGS: readonly string[] = [
  `--server-cert-file=${KINE_TLS_FILES.serverCertFile}`,
  `--server-key-file=${KINE_TLS_FILES.serverKeyFile}`,
  `--trusted-ca-file=${KINE_TLS_FILES.trustedCaFile}`,
  `--ca-file=${KINE_TLS_FILES.dbCaFile}`,
  `--cert-file=${KINE_TLS_FILES.dbCertFile}`,
  `--key-file=${KINE_TLS_FILES.dbKeyFile}`,
];

export type Obj = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/** A shipped stack file with TLS switched on (staging/prod stack files live on the aws branch). */
export function tlsVariant(base: "local" | "dev"): StackFile {
  const f = readStackFile(stackFilePath(base), base);
  return { stack: `${base}-tls`, path: `${f.path} (tls)`, config: { ...f.config, "yb-k3s:tls": { enabled: true } } };
}

const reports = new Map<string, Promise<PlanReport>>();
export const planTls = (base: "local" | "dev"): Promise<PlanReport> => {
  if (!reports.has(base)) reports.set(base, planStack(tlsVariant(base)));
  return reports.get(base) as Promise<PlanReport>;
};

/** A file as delivered to a container or pod: path, content (revealed: the provider sees plaintext) and mode. */
export interface Delivered {
  readonly path: string;
  readonly content: string;
  readonly mode: string;
}

/** Docker: the uploads of every container, by container resource name. */
export function dockerFiles(report: PlanReport): Map<string, Delivered[]> {
  const out = new Map<string, Delivered[]>();
  for (const r of report.recorded.filter((x) => x.type === "docker:index/container:Container")) {
    const uploads = ((r.revealedInputs as Obj).uploads ?? []) as Obj[];
    out.set(r.name, uploads.map((u) => ({ path: u.file, content: u.content, mode: u.permissions ?? "0644" })));
  }
  return out;
}

/** Kubernetes: the files a workload's pod template mounts from Secrets (path = mountPath/item path), by workload name. */
export function podFiles(report: PlanReport): Map<string, Delivered[]> {
  const secrets = new Map<string, Obj>();
  for (const r of report.recorded.filter((x) => x.type === "kubernetes:core/v1:Secret")) secrets.set((r.inputs as Obj).metadata.name, (r.revealedInputs as Obj).stringData);
  const out = new Map<string, Delivered[]>();
  for (const r of report.recorded.filter((x) => /:(StatefulSet|Deployment|Job)$/.test(x.type))) {
    const spec = (r.revealedInputs as Obj).spec.template.spec as Obj;
    const files: Delivered[] = [];
    for (const c of spec.containers as Obj[]) {
      for (const m of (c.volumeMounts ?? []) as Obj[]) {
        const v = ((spec.volumes ?? []) as Obj[]).find((x) => x.name === m.name);
        if (!v?.secret || m.subPath) continue;
        const data = secrets.get(v.secret.secretName) ?? {};
        for (const it of (v.secret.items ?? []) as Obj[])
          files.push({ path: `${m.mountPath}/${it.path}`, content: data[it.key], mode: `0${(it.mode ?? v.secret.defaultMode).toString(8)}` });
      }
    }
    out.set((r.inputs as Obj).metadata.name, files);
  }
  return out;
}
