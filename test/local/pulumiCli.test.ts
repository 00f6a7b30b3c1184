import { spawnSync } from "node:child_process";
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import {
  EXIT_REFUSED,
  EXIT_USAGE,
  Refusal,
  UsageError,
  checkRequest,
  planInvocation,
  readRepoFacts,
  type BackendContext,
  type Command,
  type RepoFacts,
} from "../../lib/pulumiCli";

const ROOT = resolve(__dirname, "..", "..");

/** The repository's own facts: shipped stack files and policy configs (staging and prod hold real data). */
const facts = readRepoFacts(ROOT);
const ctx: BackendContext = { env: {}, repoRoot: "/repo", loggedIn: false };
const invoke = (command: Command, argv: string[], c: Partial<BackendContext> = {}) => planInvocation(checkRequest(command, argv, facts), { ...ctx, ...c });
const refusal = (f: () => unknown): Refusal | UsageError => {
  try {
    f();
  } catch (e) {
    if (e instanceof Refusal || e instanceof UsageError) return e;
    throw e;
  }
  throw new Error("expected a refusal");
};

describe("npm run up|preview|destroy: what it runs", () => {
  it("reads the stacks and their data policy from the repository, by exact name", () => {
    expect([...facts.stacks].sort()).toEqual(["dev", "local", "prod", "staging"]);
    expect(facts.policy("prod")).toEqual({ file: "policies/config/prod.json", holdsRealData: true });
    expect(facts.policy("staging")?.holdsRealData).toBe(true);
    expect(facts.policy("local")?.holdsRealData).toBe(false);
    expect(facts.policy("Prod")).toBeUndefined();
  });

  it("defaults to the local stack on a local file backend with a generated passphrase when not logged in", () => {
    const inv = invoke("up", []);
    expect(inv.stack).toBe("local");
    expect(inv.env.PULUMI_BACKEND_URL).toBe("file:///repo/.pulumi-state");
    expect(inv.env.PULUMI_CONFIG_PASSPHRASE_FILE).toBe("/repo/.pulumi-state/passphrase");
    expect(inv.selectArgs).toEqual(["stack", "select", "local", "--create", "--secrets-provider", "passphrase"]);
    expect(inv.args.slice(0, 3)).toEqual(["up", "--stack", "local"]);
  });

  it("uses whatever backend the user is logged in to, untouched, for every stack", () => {
    const inv = invoke("up", ["--stack", "prod"], { loggedIn: true });
    expect(inv.env).toEqual({});
    expect(inv.stateDir).toBeUndefined();
    expect(inv.selectArgs).toEqual(["stack", "select", "prod", "--create"]);
  });

  it("respects an explicit PULUMI_BACKEND_URL and passphrase", () => {
    expect(invoke("up", [], { env: { PULUMI_BACKEND_URL: "s3://b" } }).env).toEqual({});
    expect(invoke("up", ["--stack", "staging"], { env: { PULUMI_BACKEND_URL: "file:///elsewhere" } }).env).toEqual({});
    expect(invoke("up", [], { env: { PULUMI_CONFIG_PASSPHRASE: "x" } }).env.PULUMI_CONFIG_PASSPHRASE_FILE).toBeUndefined();
  });

  it("--local-backend asks for the local file backend explicitly, even for a stack that holds real data", () => {
    const inv = invoke("preview", ["--stack", "staging", "--local-backend"], { loggedIn: true });
    expect(inv.env.PULUMI_BACKEND_URL).toBe("file:///repo/.pulumi-state");
    expect(inv.args).not.toContain("--local-backend");
  });

  it("runs preview and up with the stack's policy pack config, and passes other flags through", () => {
    const inv = invoke("preview", ["--stack=dev", "--diff"]);
    expect(inv.args).toEqual(["preview", "--stack", "dev", "--policy-pack", "/repo/policies", "--policy-pack-config", "/repo/policies/config/dev.json", "--diff"]);
    expect(invoke("destroy", ["--yes"]).args).toEqual(["destroy", "--stack", "local", "--yes"]);
  });

  it("destroys a stack that holds real data only when the confirmation names it", () => {
    expect(invoke("destroy", ["--stack", "prod", "--confirm-destroy=prod"], { loggedIn: true }).args).toEqual(["destroy", "--stack", "prod"]);
    expect(invoke("destroy", ["-s", "staging", "--confirm-destroy", "staging"], { loggedIn: true }).args).toEqual(["destroy", "--stack", "staging"]);
  });
});

describe("npm run up|preview|destroy: each refusal", () => {
  it("a stack with no stack file (and lists the ones that exist); names are case-sensitive", () => {
    for (const argv of [["--stack", "nosuch"], ["-s", "Prod"], ["--stack=PROD"], ["-sProd"], ["-s=Prod"]]) {
      const e = refusal(() => checkRequest("up", argv, facts));
      expect(e).toBeInstanceOf(UsageError);
      expect(e.exitCode).toBe(EXIT_USAGE);
      expect(e.message).toMatch(/^no stack file stacks\/Pulumi\.\S+\.yaml: the stacks are (local|dev|staging|prod)(, (local|dev|staging|prod)){3}\./);
    }
  });

  it("destroy of a stack whose data policy says it holds real data, keyed on the policy, not the name", () => {
    for (const stack of ["prod", "staging"]) {
      const e = refusal(() => checkRequest("destroy", ["--stack", stack], facts));
      expect(e).toBeInstanceOf(Refusal);
      expect(e.exitCode).toBe(EXIT_REFUSED);
      expect(e.message).toBe(
        `refusing to destroy '${stack}': its data policy (policies/config/${stack}.json) says it holds real data. Its data volumes are protected and retained anyway; pass --confirm-destroy=${stack} if you really mean it.`,
      );
    }
    // Any stack name whose policy says so; a name that looks like prod but has its own (or no) policy is not special.
    const custom: RepoFacts = { stacks: ["vault", "prod-like"], policy: (s) => (s === "vault" ? { file: "policies/config/vault.json", holdsRealData: true } : undefined) };
    expect(refusal(() => checkRequest("destroy", ["--stack", "vault"], custom))).toBeInstanceOf(Refusal);
    expect(checkRequest("destroy", ["--stack", "prod-like"], custom).stack).toBe("prod-like");
    expect(checkRequest("destroy", ["--stack", "dev"], facts).stack).toBe("dev");
  });

  it("a confirmation that names another stack, or the old flag, or a confirmation outside destroy", () => {
    expect(refusal(() => checkRequest("destroy", ["--stack", "staging", "--confirm-destroy=prod"], facts)).message).toMatch(/does not name the stack being destroyed \('staging'\)/);
    expect(refusal(() => checkRequest("destroy", ["--stack", "prod", "--confirm-destroy-prod"], facts)).message).toMatch(/--confirm-destroy=<stack>/);
    expect(refusal(() => checkRequest("up", ["--stack", "prod", "--confirm-destroy=prod"], facts)).message).toMatch(/only applies to destroy/);
  });

  it("a local file backend for a stack that holds real data, unless asked for", () => {
    for (const stack of ["staging", "prod"])
      for (const command of ["up", "preview"] as const) {
        const e = refusal(() => invoke(command, ["--stack", stack]));
        expect(e).toBeInstanceOf(Refusal);
        expect(e.exitCode).toBe(EXIT_REFUSED);
        expect(e.message).toMatch(new RegExp(`^refusing to keep '${stack}' in a local file backend .*policies/config/${stack}\\.json.*pass --local-backend if you really mean it\\.$`));
      }
    expect(refusal(() => invoke("destroy", ["--stack", "prod", "--confirm-destroy=prod"]))).toBeInstanceOf(Refusal);
  });

  it("contradictory or malformed flags", () => {
    expect(refusal(() => invoke("up", ["--local-backend"], { env: { PULUMI_BACKEND_URL: "s3://b" } })).message).toMatch(/contradict/);
    expect(refusal(() => checkRequest("up", ["--stack"], facts)).message).toMatch(/needs a stack name/);
    expect(refusal(() => checkRequest("up", ["--stack", "a b"], facts)).message).toMatch(/invalid stack name/);
    expect(refusal(() => checkRequest("destroy", ["--stack", "dev", "-s", "prod"], facts)).message).toMatch(/two different stacks/);
  });
});

/** The wrapper as a user runs it, with a stand-in Pulumi CLI that records every call. */
describe("bin/pulumi.ts", () => {
  const TS_NODE = require.resolve("ts-node/dist/bin.js", { paths: [ROOT] });
  const dir = mkdtempSync(join(tmpdir(), "yb-k3s-wrapper-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const fake = join(dir, "pulumi");
  const log = join(dir, "calls.log");
  writeFileSync(fake, `#!/bin/sh\necho "$*" >> '${log}'\n[ "$1" = whoami ] && exit "\${FAKE_WHOAMI:-1}"\nexit 0\n`);
  chmodSync(fake, 0o755);

  const wrapper = (args: string[], env: Record<string, string> = {}) => {
    rmSync(log, { force: true });
    const r = spawnSync(process.execPath, [TS_NODE, "--transpile-only", "bin/pulumi.ts", ...args], {
      cwd: ROOT,
      encoding: "utf8",
      timeout: 60_000,
      env: { PATH: "/nonexistent", HOME: dir, ...env },
    });
    return { code: r.status, stderr: r.stderr, calls: existsSync(log) ? readFileSync(log, "utf8").trimEnd().split("\n") : [] };
  };

  it("refuses destroy of prod (and of -s Prod) before it even looks for the Pulumi CLI", () => {
    const noCli = wrapper(["destroy", "--stack", "prod"]);
    expect(noCli.code).toBe(EXIT_REFUSED);
    expect(noCli.stderr).toMatch(/^refusing to destroy 'prod': its data policy \(policies\/config\/prod\.json\)/);
    expect(noCli.stderr).not.toMatch(/Pulumi CLI was not found/);
    const withCli = wrapper(["destroy", "-s", "prod"], { PULUMI_CLI: fake });
    expect(withCli.code).toBe(EXIT_REFUSED);
    expect(withCli.calls).toEqual([]);
    const capital = wrapper(["destroy", "-s", "Prod"], { PULUMI_CLI: fake });
    expect(capital.code).toBe(EXIT_USAGE);
    expect(capital.stderr).toMatch(/^no stack file stacks\/Pulumi\.Prod\.yaml: the stacks are /);
    expect(capital.calls).toEqual([]);
  }, 60_000);

  it("refuses a stack without a stack file, and a local backend for staging when not logged in", () => {
    const nosuch = wrapper(["up", "--stack", "nosuch"], { PULUMI_CLI: fake });
    expect(nosuch.code).toBe(EXIT_USAGE);
    expect(nosuch.stderr).toMatch(/^no stack file stacks\/Pulumi\.nosuch\.yaml: the stacks are .*local/);
    expect(nosuch.calls).toEqual([]);
    const staging = wrapper(["up", "--stack", "staging"], { PULUMI_CLI: fake });
    expect(staging.code).toBe(EXIT_REFUSED);
    expect(staging.stderr).toMatch(/^refusing to keep 'staging' in a local file backend/);
    expect(staging.calls).toEqual(["version", "whoami"]);
  }, 60_000);

  it("runs the CLI when nothing is refused", () => {
    const r = wrapper(["preview", "--stack", "staging", "--diff"], { PULUMI_CLI: fake, FAKE_WHOAMI: "0" });
    expect(r.code).toBe(0);
    expect(r.calls.slice(0, 3)).toEqual(["version", "whoami", "stack select staging --create"]);
    expect(r.calls[3]).toMatch(/^preview --stack staging --policy-pack \S+\/policies --policy-pack-config \S+\/policies\/config\/staging\.json --diff$/);
  }, 60_000);
});
