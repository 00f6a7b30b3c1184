/** Read every `yb-k3s:*` key from the Pulumi runtime config (structured values arrive as JSON strings). */
import * as pulumi from "@pulumi/pulumi";
import { ourConfig, parseTopology } from "../config/load";
import type { Topology } from "../config/schema";

export function decodeConfigValue(v: string): unknown {
  try {
    return JSON.parse(v);
  } catch {
    return v;
  }
}

export function readTopology(): Topology {
  const ours = ourConfig(pulumi.runtime.allConfig());
  return parseTopology(Object.fromEntries(Object.entries(ours).map(([k, v]) => [k, typeof v === "string" ? decodeConfigValue(v) : v])));
}
