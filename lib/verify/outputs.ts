/**
 * The stack outputs verify starts from (`pulumi stack output --json --show-secrets`, or a file with that JSON) and
 * the explicit overrides. Pure.
 */
import { z } from "zod";
import { splitEndpoints } from "./kine";

/** The outputs verify reads (program.ts StackOutputs); anything else in the JSON is ignored. */
export const VerifyOutputs = z.looseObject({
  instanceIds: z.object({ yugabyte: z.array(z.string()), kine: z.array(z.string()), k3s: z.array(z.string()) }).optional(),
  kubeconfig: z.string().optional(),
  k3sApiUrl: z.string().optional(),
  kineEndpoint: z.string().optional(),
  ysqlConnectionString: z.string().optional(),
  uiUrl: z.string().optional(),
  /** components/controlPlane.ts BackupsOutput: verify's backup age, restore's bucket. */
  backups: z
    .looseObject({
      offCluster: z
        .looseObject({
          kind: z.enum(["directory", "pvc", "s3"]),
          location: z.string(),
          bucket: z.string().optional(),
          region: z.string().optional(),
          keyPrefix: z.string().optional(),
          replica: z.object({ bucket: z.string(), region: z.string() }).optional(),
        })
        .nullable()
        .optional(),
    })
    .optional(),
});
export type VerifyOutputs = z.infer<typeof VerifyOutputs>;

export function parseOutputs(json: string, source: string): VerifyOutputs {
  let doc: unknown;
  try {
    doc = JSON.parse(json);
  } catch (e) {
    throw new Error(`${source}: not JSON (${e instanceof Error ? e.message : String(e)})`);
  }
  const r = VerifyOutputs.safeParse(doc);
  if (!r.success) throw new Error(`${source}: ${r.error.issues.map((i) => `${i.path.join(".") || "(root)"}: ${i.message}`).join("; ")}`);
  return r.data;
}

/** Pulumi prints a secret it was not asked to show as "[secret]". */
const real = (v: string | undefined): string | undefined => (v === undefined || v === "[secret]" || v.startsWith("(") ? undefined : v);

export interface Overrides {
  /** A kubeconfig file (instead of the `kubeconfig` output). */
  readonly kubeconfigFile?: string;
  readonly dsn?: string;
  readonly kineEndpoints?: readonly string[];
}

export interface Targets {
  /** kubeconfig content, or a file to read it from. */
  readonly kubeconfig?: { readonly text?: string; readonly file?: string };
  readonly dsn?: string;
  readonly kineEndpoints: readonly string[];
  /** Where each came from, for the report: `output`, `--kubeconfig`, ... */
  readonly sources: { readonly kubeconfig?: string; readonly dsn?: string; readonly kine?: string };
}

export function resolveTargets(outputs: VerifyOutputs | undefined, o: Overrides): Targets {
  const kubeText = real(outputs?.kubeconfig);
  const dsnOut = real(outputs?.ysqlConnectionString);
  const kineOut = outputs?.kineEndpoint ? splitEndpoints(outputs.kineEndpoint) : [];
  return {
    kubeconfig: o.kubeconfigFile ? { file: o.kubeconfigFile } : kubeText ? { text: kubeText } : undefined,
    dsn: o.dsn ?? dsnOut,
    kineEndpoints: o.kineEndpoints?.length ? o.kineEndpoints : kineOut,
    sources: {
      kubeconfig: o.kubeconfigFile ? "--kubeconfig" : kubeText ? "stack output kubeconfig" : undefined,
      dsn: o.dsn ? "--dsn" : dsnOut ? "stack output ysqlConnectionString" : undefined,
      kine: o.kineEndpoints?.length ? "--kine-endpoint" : kineOut.length ? "stack output kineEndpoint" : undefined,
    },
  };
}
