import { describe, expect, it } from "vitest";
import { planInvocation, UsageError, type InvocationInput } from "../../lib/pulumiCli";

const base: InvocationInput = { command: "up", argv: [], env: {}, repoRoot: "/repo", loggedIn: false, policyConfigExists: () => true };

describe("npm run up|preview|destroy", () => {
  it("defaults to the local stack on a local file backend with a generated passphrase when not logged in", () => {
    const inv = planInvocation(base);
    expect(inv.stack).toBe("local");
    expect(inv.env.PULUMI_BACKEND_URL).toBe("file:///repo/.pulumi-state");
    expect(inv.env.PULUMI_CONFIG_PASSPHRASE_FILE).toBe("/repo/.pulumi-state/passphrase");
    expect(inv.selectArgs).toEqual(["stack", "select", "local", "--create", "--secrets-provider", "passphrase"]);
    expect(inv.args.slice(0, 3)).toEqual(["up", "--stack", "local"]);
  });

  it("uses whatever backend the user is logged in to, untouched", () => {
    const inv = planInvocation({ ...base, loggedIn: true, argv: ["--stack", "dev"] });
    expect(inv.env).toEqual({});
    expect(inv.stateDir).toBeUndefined();
    expect(inv.selectArgs).toEqual(["stack", "select", "dev", "--create"]);
  });

  it("respects an explicit PULUMI_BACKEND_URL and passphrase", () => {
    expect(planInvocation({ ...base, env: { PULUMI_BACKEND_URL: "s3://b" } }).env).toEqual({});
    expect(planInvocation({ ...base, env: { PULUMI_CONFIG_PASSPHRASE: "x" } }).env.PULUMI_CONFIG_PASSPHRASE_FILE).toBeUndefined();
  });

  it("runs preview and up with the stack's policy pack config, and passes other flags through", () => {
    const inv = planInvocation({ ...base, command: "preview", argv: ["--stack=staging", "--diff"] });
    expect(inv.args).toEqual(["preview", "--stack", "staging", "--policy-pack", "/repo/policies", "--policy-pack-config", "/repo/policies/config/staging.json", "--diff"]);
    expect(planInvocation({ ...base, command: "destroy", argv: ["--yes"] }).args).toEqual(["destroy", "--stack", "local", "--yes"]);
  });

  it("refuses to destroy prod without an explicit confirmation", () => {
    expect(() => planInvocation({ ...base, command: "destroy", argv: ["--stack", "prod"] })).toThrow(UsageError);
    expect(planInvocation({ ...base, command: "destroy", argv: ["--stack", "prod", "--confirm-destroy-prod"] }).args).toEqual(["destroy", "--stack", "prod"]);
  });

  it("rejects a missing or malformed stack name", () => {
    expect(() => planInvocation({ ...base, argv: ["--stack"] })).toThrow(/needs a stack name/);
    expect(() => planInvocation({ ...base, argv: ["--stack", "a b"] })).toThrow(/invalid stack name/);
  });
});
