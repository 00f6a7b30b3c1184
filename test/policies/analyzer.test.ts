// End to end through @pulumi/policy: start the real pack (policies/index.ts) in a child process, as the Pulumi CLI
// does, and talk to its analyzer gRPC server with the CLI's protocol (configure, getAnalyzerInfo, analyze, analyzeStack).
import { spawn, type ChildProcess } from "node:child_process";
import { join } from "node:path";
import * as grpc from "@grpc/grpc-js";
import { Empty } from "google-protobuf/google/protobuf/empty_pb";
import { Struct } from "google-protobuf/google/protobuf/struct_pb";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { PolicyResource } from "../../policies/evaluate";
import { rules } from "../../policies/evaluate";
import { k3sContainer, kineContainer, localStack, ybArgs, ybContainer } from "./fixtures";

/* eslint-disable @typescript-eslint/no-require-imports */
const pb = require("@pulumi/pulumi/proto/analyzer_pb");
const { AnalyzerClient } = require("@pulumi/pulumi/proto/analyzer_grpc_pb");
/* eslint-enable @typescript-eslint/no-require-imports */

const ROOT = join(__dirname, "../..");
let child: ChildProcess;
// eslint-disable-next-line @typescript-eslint/no-explicit-any
let client: any;

const call = <T>(method: string, req: unknown): Promise<T> =>
  new Promise((resolve, reject) => client[method](req, (err: Error | null, res: T) => (err ? reject(err) : resolve(res))));

beforeAll(async () => {
  child = spawn(process.execPath, ["-r", "ts-node/register/transpile-only", "index.ts"], {
    cwd: join(ROOT, "policies"), // the CLI runs the pack from its directory (the version comes from its package.json)
    env: { ...process.env, PULUMI_NODEJS_STACK: "staging", TS_NODE_PROJECT: join(ROOT, "policies/tsconfig.json") },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stderr = "";
  child.stderr?.on("data", (d) => (stderr += d));
  const port = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`policy pack did not start: ${stderr}`)), 60_000);
    child.stdout?.on("data", (d: Buffer) => {
      const m = /^(\d+)\s*$/m.exec(d.toString());
      if (m) {
        clearTimeout(timer);
        resolve(m[1]);
      }
    });
    child.on("exit", (code) => reject(new Error(`policy pack exited ${code}: ${stderr}`)));
  });
  client = new AnalyzerClient(`127.0.0.1:${port}`, grpc.credentials.createInsecure());
}, 90_000);

afterAll(() => {
  client?.close();
  if (child && child.exitCode === null) child.kill();
});

function resourceMessage<T>(Cls: new () => T, r: PolicyResource): T {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  const m: any = new Cls();
  m.setType(r.type);
  m.setUrn(r.urn);
  m.setName(r.name);
  m.setProperties(Struct.fromJavaScript(JSON.parse(JSON.stringify(r.inputs))));
  const opts = new pb.AnalyzerResourceOptions();
  opts.setProtect(r.protect === true);
  m.setOptions(opts);
  return m;
}

type Diagnostic = { policyname: string; message: string; urn: string; enforcementlevel: number };
const diagnostics = (res: { toObject(): { diagnosticsList: Diagnostic[] } }) => res.toObject().diagnosticsList;

describe("policy pack under the CrossGuard analyzer protocol", () => {
  it("reports its name, version and every policy with its config schema", async () => {
    const info = (await call<{ toObject(): { name: string; version: string; policiesList: { name: string; configschema?: { properties?: unknown } }[] } }>("getAnalyzerInfo", new Empty())).toObject();
    expect(info.name).toBe("yb-k3s-policies");
    expect(info.version).toBe("0.1.0");
    expect(info.policiesList.map((p) => p.name)).toEqual(rules.map((r) => r.name));
    expect(info.policiesList.find((p) => p.name === "tls-required")?.configschema?.properties).toBeDefined();
  });

  it("analyze: a yugabyted launch without ysql_sequence_cache_minval=1 is a violation at the configured level", async () => {
    const req = new pb.ConfigureAnalyzerRequest();
    const all = new pb.PolicyConfig();
    all.setEnforcementlevel(pb.EnforcementLevel.MANDATORY);
    all.setProperties(Struct.fromJavaScript({}));
    for (const r of rules) req.getPolicyconfigMap().set(r.name, all);
    await call("configure", req);

    const good = await call<never>("analyze", resourceMessage(pb.AnalyzeRequest, ybContainer(1)));
    expect(diagnostics(good)).toEqual([]);
    const bad = ybContainer(1, "zone-1", { command: ybArgs(1, "docker.local.zone-1", "--tserver_flags=ysql_enable_auth=true"), image: "yugabytedb/yugabyte:latest" });
    const out = diagnostics(await call<never>("analyze", resourceMessage(pb.AnalyzeRequest, bad)));
    expect(out.map((d) => d.policyname).sort()).toEqual(["images-pinned", "yb-sequence-cache-minval"]);
    expect(out.every((d) => d.enforcementlevel === pb.EnforcementLevel.MANDATORY)).toBe(true);
  });

  it("analyzeStack: the stack name comes from the engine (staging needs HA), policy config switches rules on", async () => {
    const stack = (rs: PolicyResource[]) => {
      const req = new pb.AnalyzeStackRequest();
      req.setResourcesList(rs.map((r) => resourceMessage(pb.AnalyzerResource, r)));
      return req;
    };
    const small = diagnostics(await call<never>("analyzeStack", stack([kineContainer(1), k3sContainer(1)])));
    expect(small.filter((d) => d.policyname === "control-plane-ha")).toHaveLength(2);
    expect(diagnostics(await call<never>("analyzeStack", stack(localStack()))).filter((d) => d.policyname === "control-plane-ha")).toEqual([]);

    const req = new pb.ConfigureAnalyzerRequest();
    const cfg = new pb.PolicyConfig();
    cfg.setEnforcementlevel(pb.EnforcementLevel.ADVISORY);
    cfg.setProperties(Struct.fromJavaScript({ tlsRequired: true }));
    req.getPolicyconfigMap().set("tls-required", cfg);
    await call("configure", req);
    const tls = diagnostics(await call<never>("analyze", resourceMessage(pb.AnalyzeRequest, kineContainer(1)))).filter((d) => d.policyname === "tls-required");
    expect(tls).toEqual([expect.objectContaining({ policyname: "tls-required", enforcementlevel: pb.EnforcementLevel.ADVISORY })]);
  });
});
