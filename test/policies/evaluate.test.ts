import { mkdtempSync, readdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { CONFIG_DIR, policyContextFor, readPolicyConfig } from "../../policies/config";
import { evaluatePolicies, policyNames, rules } from "../../policies/evaluate";
import { ctx, ec2, k3sContainer, kineContainer, localStack, res, ybContainer, ybUserData } from "./fixtures";

describe("evaluatePolicies", () => {
  it("the local stack only trips the advisory plaintext-secret finding for Kine's DSN (Docker has no secret store)", () => {
    const out = evaluatePolicies(localStack(), policyContextFor("local", "docker"));
    expect(out).toEqual([
      { policy: "no-plaintext-secrets", level: "advisory", resource: kineContainer(1).urn, message: expect.stringMatching(/KINE_ENDPOINT/) },
      { policy: "no-plaintext-secrets", level: "advisory", resource: kineContainer(2).urn, message: expect.stringMatching(/KINE_ENDPOINT/) },
    ]);
  });
  it("reports resource and stack violations with the stack's level, stack findings without a resource", () => {
    const rs = [ybContainer(1, "zone-1", { image: "yugabytedb/yugabyte:latest", ports: [{ internal: 5433, external: 5433 }] }), kineContainer(1), k3sContainer(1)];
    const out = evaluatePolicies(rs, ctx({ stack: "dev", target: "docker" }));
    expect(out.every((v) => v.level === "mandatory")).toBe(true);
    const byPolicy = (p: string) => out.filter((v) => v.policy === p);
    expect(byPolicy("images-pinned")).toEqual([{ policy: "images-pinned", level: "mandatory", resource: rs[0].urn, message: expect.any(String) }]);
    expect(byPolicy("no-public-database-ports")).toHaveLength(1);
    expect(byPolicy("control-plane-ha").map((v) => v.resource)).toEqual([undefined, undefined]);
    expect(byPolicy("yb-placement").length).toBeGreaterThan(0);
    // ordered by rule, then resource
    expect(out.map((v) => policyNames.indexOf(v.policy))).toEqual([...out.map((v) => policyNames.indexOf(v.policy))].sort((a, b) => a - b));
  });
  it("turns on TLS and data rules from the context", () => {
    const vol = res("aws:ebs/volume:Volume", "yb-1-data", { availabilityZone: "us-east-1a", size: 100, encrypted: true });
    const node = ec2("yb-1", ybUserData("aws.us-east-1.us-east-1a"));
    const names = (c: Parameters<typeof evaluatePolicies>[1]) => new Set(evaluatePolicies([vol, node], c).map((v) => v.policy));
    expect(names(ctx())).not.toContain("tls-required");
    expect(names(ctx())).not.toContain("data-volumes-retained");
    expect([...names(ctx({ tlsRequired: true, holdsRealData: true }))]).toEqual(expect.arrayContaining(["tls-required", "data-volumes-retained"]));
    expect(evaluatePolicies([{ ...vol, protect: true }], ctx({ holdsRealData: true })).filter((v) => v.policy === "data-volumes-retained")).toEqual([]);
  });
  it("has unique policy names that are not the reserved 'all'", () => {
    expect(new Set(policyNames).size).toBe(rules.length);
    expect(policyNames).not.toContain("all");
    for (const r of rules) expect(r.name).toMatch(/^[a-z0-9-]+$/);
  });
});

describe("policy config files", () => {
  it("exist for every stack, in the --policy-pack-config format, naming only real policies and config keys", () => {
    expect(readdirSync(CONFIG_DIR).sort()).toEqual(["dev.json", "local.json", "prod.json", "staging.json"]);
    for (const f of readdirSync(CONFIG_DIR)) {
      const cfg = readPolicyConfig(join(CONFIG_DIR, f));
      for (const [k, v] of Object.entries(cfg)) {
        if (k === "all") continue;
        const rule = rules.find((r) => r.name === k);
        expect(rule, `${f}: ${k}`).toBeDefined();
        if (typeof v === "object")
          for (const key of Object.keys(v)) if (key !== "enforcementLevel") expect(Object.keys(rule?.configSchema ?? {}), `${f}: ${k}.${key}`).toContain(key);
      }
    }
  });
  it("local is advisory, the others mandatory; prod requires region fault tolerance, TLS and retained data", () => {
    expect(policyContextFor("local", "docker")).toEqual({ stack: "local", target: "docker", enforcement: "advisory", tlsRequired: false, holdsRealData: false, faultTolerance: "zone" });
    expect(policyContextFor("dev", "kubernetes").enforcement).toBe("mandatory");
    expect(policyContextFor("staging", "aws").enforcement).toBe("mandatory");
    expect(policyContextFor("prod", "aws")).toEqual({ stack: "prod", target: "aws", enforcement: "mandatory", tlsRequired: true, holdsRealData: true, faultTolerance: "region" });
  });
  it("an ephemeral stack without a file is mandatory with no extra requirements; a broken file is an error", () => {
    expect(policyContextFor("pr-42", "docker")).toEqual({ stack: "pr-42", target: "docker", enforcement: "mandatory", tlsRequired: false, holdsRealData: false });
    const dir = mkdtempSync(join(tmpdir(), "policy-config-"));
    writeFileSync(join(dir, "x.json"), JSON.stringify({ all: "strict" }));
    expect(() => policyContextFor("x", "docker", dir)).toThrow(/all: enforcement level must be one of/);
  });
  it("holdsRealData is stated by every policy that reads it, and the statements must agree", () => {
    const dir = mkdtempSync(join(tmpdir(), "policy-config-"));
    writeFileSync(join(dir, "x.json"), JSON.stringify({ all: "mandatory", "data-volumes-retained": { holdsRealData: true }, "yb-ysql-auth": { holdsRealData: false } }));
    expect(() => policyContextFor("x", "docker", dir)).toThrow(/x\.json: holdsRealData differs between data-volumes-retained, yb-ysql-auth/);
    for (const f of readdirSync(CONFIG_DIR).filter((f) => f.endsWith(".json"))) {
      const cfg = readPolicyConfig(join(CONFIG_DIR, f)) as Record<string, { holdsRealData?: boolean }>;
      expect(cfg["yb-ysql-auth"]?.holdsRealData, f).toBe(cfg["data-volumes-retained"]?.holdsRealData);
    }
  });
});
