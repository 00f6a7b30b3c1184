/**
 * The smallest Kubernetes API client verify needs: JSON over HTTPS with the kubeconfig's CA and client certificate
 * (or token), every request bounded by a timeout. No dependency beyond Node's `https`.
 */
import * as https from "node:https";
import type { KubeAccess } from "./kubeconfig";

export interface KubeResponse<T = unknown> {
  readonly status: number;
  readonly text: string;
  /** The parsed body when it is JSON. */
  readonly json?: T;
}

export interface KubeClient {
  readonly server: string;
  request<T = unknown>(method: "GET" | "POST" | "PUT" | "DELETE" | "PATCH", path: string, body?: unknown, timeoutMs?: number): Promise<KubeResponse<T>>;
}

export function kubeClient(access: KubeAccess, defaultTimeoutMs = 15_000): KubeClient {
  const agent = new https.Agent({
    ca: access.ca,
    cert: access.cert,
    key: access.key,
    rejectUnauthorized: !access.insecureSkipTlsVerify,
    keepAlive: false,
  });
  const base = new URL(access.server);
  return {
    server: access.server,
    request: <T>(method: string, path: string, body?: unknown, timeoutMs = defaultTimeoutMs) =>
      new Promise<KubeResponse<T>>((resolve, reject) => {
        const url = new URL(base.pathname.replace(/\/$/, "") + path, base);
        const payload = body === undefined ? undefined : Buffer.from(JSON.stringify(body));
        const headers: Record<string, string> = { accept: "application/json" };
        if (payload) {
          headers["content-type"] = method === "PATCH" ? "application/merge-patch+json" : "application/json";
          headers["content-length"] = String(payload.length);
        }
        if (access.token) headers.authorization = `Bearer ${access.token}`;
        const req = https.request(url, { method, agent, headers, timeout: timeoutMs }, (res) => {
          const chunks: Buffer[] = [];
          res.on("data", (c: Buffer) => chunks.push(c));
          res.on("end", () => {
            const text = Buffer.concat(chunks).toString("utf8");
            let json: T | undefined;
            if ((res.headers["content-type"] ?? "").includes("json")) {
              try {
                json = JSON.parse(text) as T;
              } catch {
                json = undefined;
              }
            }
            resolve({ status: res.statusCode ?? 0, text, json });
          });
          res.on("error", reject);
        });
        req.on("timeout", () => req.destroy(new Error(`${method} ${path}: no answer within ${timeoutMs} ms`)));
        req.on("error", (e) => reject(new Error(`${method} ${access.server}${path}: ${e.message}`)));
        req.end(payload);
      }),
  };
}
