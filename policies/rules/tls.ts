import { parseYugabytedFlags } from "../../planner/flags";
import { flagValues, hasFlag, lastFlag, workloadOf, type Process } from "../extract";
import type { ResourceRule } from "../types";

const yugabytedSecure = (p: Process): boolean => {
  const secure = lastFlag(p.args, "--secure");
  if (hasFlag(p.args, "--secure") && secure !== "false") return true;
  return ["--tserver_flags", "--master_flags"].some((f) =>
    flagValues(p.args, f).some((v) => parseYugabytedFlags(v).use_node_to_node_encryption === "true"),
  );
};

/** When the stack requires TLS: Kine serves etcd over mTLS, k3s talks https to it, yugabyted encrypts its traffic. */
export const tlsRequiredRule: ResourceRule = {
  kind: "resource",
  name: "tls-required",
  description:
    "When tlsRequired: Kine runs with --server-cert-file/--server-key-file/--trusted-ca-file, k3s uses an https:// --datastore-endpoint, yugabyted runs --secure or with use_node_to_node_encryption=true.",
  configSchema: {
    tlsRequired: { type: "boolean", default: false, description: "Every control-plane hop must be encrypted." },
  },
  check(r, ctx) {
    if (!ctx.tlsRequired) return [];
    const w = workloadOf(r);
    if (!w) return [];
    const out: string[] = [];
    const env = Object.assign({}, ...w.containers.map((c) => c.env)) as Record<string, string>;
    for (const p of w.processes) {
      if (p.kind === "kine") {
        const missing = ["--server-cert-file", "--server-key-file", "--trusted-ca-file"].filter((f) => !hasFlag(p.args, f));
        if (missing.length)
          out.push(
            `Kine serves the etcd API without TLS (missing ${missing.join(", ")}); pass --server-cert-file, --server-key-file and ` +
              `--trusted-ca-file so k3s must present a client certificate.`,
          );
      } else if (p.kind === "k3s-server") {
        const endpoints = flagValues(p.args, "--datastore-endpoint");
        if (!endpoints.length && env.K3S_DATASTORE_ENDPOINT) endpoints.push(env.K3S_DATASTORE_ENDPOINT);
        const plain = endpoints.flatMap((e) => e.split(",")).filter((e) => e && !e.trim().startsWith("https://") && !e.startsWith("$"));
        if (plain.length)
          out.push(
            `k3s --datastore-endpoint ${plain.map((e) => e.replace(/\/\/[^@/]*@/, "//***@")).join(", ")} is not https; point it at ` +
              `https://<kine>:2379 with --datastore-cafile, --datastore-certfile and --datastore-keyfile.`,
          );
      } else if (p.kind === "yb-start" && !yugabytedSecure(p)) {
        out.push(
          "yugabyted start runs without encryption; add --secure (with --certs_dir) or --tserver_flags/--master_flags " +
            "use_node_to_node_encryption=true,use_client_to_server_encryption=true.",
        );
      }
    }
    return out;
  },
};
