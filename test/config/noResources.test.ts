/**
 * Invalid config stops the real program before it registers anything: the same check `pulumi up` runs (the program
 * reads and validates its whole config first), here under Pulumi's mock monitor counting registrations.
 */
import * as pulumi from "@pulumi/pulumi";
import { describe, expect, it } from "vitest";
import { ConfigError } from "../../config/load";
import { program } from "../../program";
import { devConfig, localConfig, stagingConfig } from "../support/topologies";
import { inputCases } from "../support/mistakes";
import { runUnderMocks } from "../../lib/planRunner";

const prefixed = (raw: Record<string, unknown>): Record<string, string> =>
  Object.fromEntries(Object.entries(raw).map(([k, v]) => [`yb-k3s:${k}`, typeof v === "string" ? v : JSON.stringify(v)]));

let registered: string[] = [];

/** Runs the program on a config it must refuse; returns what it threw. */
async function refused(config: Record<string, string>): Promise<unknown> {
  registered = [];
  await pulumi.runtime.setMocks(
    {
      newResource: (a) => {
        registered.push(`${a.type}::${a.name}`);
        return { id: `${a.name}-id`, state: a.inputs };
      },
      call: () => ({}),
    },
    "yb-k3s",
    "local",
    false,
  );
  pulumi.runtime.setAllConfig(config);
  try {
    program();
    throw new Error("expected the program to refuse this config");
  } catch (e) {
    return e;
  } finally {
    // Registrations are asynchronous: give any that were started the chance to arrive.
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** A representative subset: each kind of check (value, cross-field, flags, host ports, RF, namespaces). */
const SUBSET = [
  "loopback octet above 255",
  "misspelt tserver gflag",
  "--cluster-init (embedded etcd beside Kine)",
  "--token on the command line",
  "ysql host port range past 65535",
  "host port ranges that collide (k3s API)",
  "CIDR with host bits",
  "empty zone label",
  "zero memory",
  "empty instance type",
  "RF 1 with zone fault tolerance",
  "negative RF",
];

describe("the program on invalid config", () => {
  it("the same program registers resources on a valid config", async () => {
    const r = await runUnderMocks({ project: "yb-k3s", stack: "local", config: prefixed(localConfig()), program: () => ({ ...program() }) });
    expect(r.resources.length).toBeGreaterThan(10);
  });

  it.each(inputCases.filter(([name]) => SUBSET.includes(name)))("%s: a ConfigError and no resource", async (_name, raw, expected) => {
    const e = await refused(prefixed(raw()));
    expect(e).toBeInstanceOf(ConfigError);
    expect((e as ConfigError).problems.some((l) => expected.test(l)), (e as ConfigError).problems.join("\n")).toBe(true);
    expect(registered).toEqual([]);
  });

  it("every subset case exists in the battery", () => {
    expect(inputCases.filter(([name]) => SUBSET.includes(name)).map(([n]) => n).sort()).toEqual([...SUBSET].sort());
  });

  it("a near-miss namespace: a ConfigError and no resource", async () => {
    const e = await refused({ ...prefixed(devConfig()), "yb-k3:k3s": JSON.stringify({ servers: 3 }) });
    expect((e as ConfigError).problems).toEqual([expect.stringMatching(/^yb-k3:k3s: unknown config namespace 'yb-k3'.*did you mean yb-k3s:k3s\?$/)]);
    expect(registered).toEqual([]);
  });

  it("provider namespaces pass (aws:region on an aws stack)", async () => {
    const r = await runUnderMocks({ project: "yb-k3s", stack: "staging", config: { ...prefixed(stagingConfig()), "aws:region": "us-east-1" }, program: () => ({ ...program() }) });
    expect(r.resources.length).toBeGreaterThan(10);
  });
});
