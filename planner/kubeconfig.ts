/** Render a kubeconfig from PEM material (pure; the caller wraps it as a Pulumi secret). */
import { stringify } from "yaml";

export interface KubeconfigInput {
  readonly name: string;
  readonly server: string;
  readonly caCertPem: string;
  readonly clientCertPem: string;
  readonly clientKeyPem: string;
}

const b64 = (s: string) => Buffer.from(s, "utf8").toString("base64");

export function renderKubeconfig(k: KubeconfigInput): string {
  return stringify({
    apiVersion: "v1",
    kind: "Config",
    clusters: [{ name: k.name, cluster: { server: k.server, "certificate-authority-data": b64(k.caCertPem) } }],
    users: [{ name: `${k.name}-admin`, user: { "client-certificate-data": b64(k.clientCertPem), "client-key-data": b64(k.clientKeyPem) } }],
    contexts: [{ name: k.name, context: { cluster: k.name, user: `${k.name}-admin` } }],
    "current-context": k.name,
    preferences: {},
  });
}
