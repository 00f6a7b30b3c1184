/** Read and validate the Pulumi runtime config: every `yb-k3s:*` key, no key in an unknown namespace (structured values arrive as JSON strings). */
import * as pulumi from "@pulumi/pulumi";
import { parseStackConfig } from "../config/load";
import type { Topology } from "../config/schema";

export function decodeConfigValue(v: string): unknown {
  try {
    return JSON.parse(v);
  } catch {
    return v;
  }
}

export function readTopology(): Topology {
  const all = pulumi.runtime.allConfig();
  return parseStackConfig(Object.fromEntries(Object.entries(all).map(([k, v]) => [k, typeof v === "string" ? decodeConfigValue(v) : v])));
}
