// The GitHub workflows, checked by GitHub's own workflow parser (@actions/workflow-parser: the schema, expression and
// context validation behind the Actions language service) plus the project's rules: pinned actions, OIDC only,
// policy pack on every preview/up, approval before prod, destroy refuses prod.
import { spawnSync } from "node:child_process";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { register } from "node:module";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";

const ROOT = join(__dirname, "../..");
const DIR = join(ROOT, ".github/workflows");
const files = readdirSync(DIR).filter((f) => /\.ya?ml$/.test(f)).sort();
const text = (f: string) => readFileSync(join(DIR, f), "utf8");
// eslint-disable-next-line @typescript-eslint/no-explicit-any
const load = (f: string): any => parse(text(f));

/**
 * The parser's ESM build imports its schema JSON without an import attribute, which Node refuses. A loader hook
 * (for file: URLs ending in .json only) supplies the format, as bundlers do.
 */
const JSON_HOOK = `import { readFile } from "node:fs/promises";
export async function load(url, context, next) {
  if (url.startsWith("file:") && url.endsWith(".json")) return { format: "json", source: await readFile(new URL(url), "utf8"), shortCircuit: true };
  return next(url, context);
}`;

// eslint-disable-next-line @typescript-eslint/no-explicit-any
let parser: any;
async function workflowParser() {
  if (parser) return parser;
  register("data:text/javascript," + encodeURIComponent(JSON_HOOK));
  try {
    const name = "@actions/workflow-parser"; // a variable: the type check does not depend on the install
    parser = await import(name);
  } catch (e) {
    throw new Error(`@actions/workflow-parser is not installed (root devDependency "@actions/workflow-parser": "0.3.61"): ${(e as Error).message}`);
  }
  return parser;
}

async function validate(name: string, content: string): Promise<string[]> {
  const parser = await workflowParser();
  const result = parser.parseWorkflow({ name, content }, new parser.NoOperationTraceWriter());
  const errors: string[] = result.context.errors.getErrors().map((e: { message: string }) => e.message);
  if (result.value) {
    const template = await parser.convertWorkflowTemplate(result.context, result.value);
    for (const e of template.errors ?? []) errors.push(e.Message ?? String(e));
  }
  return [...new Set(errors)];
}

describe("workflow files", () => {
  it("are the expected set", () => {
    expect(files).toEqual(["_pulumi.yml", "_test.yml", "deploy.yml", "destroy.yml", "pr.yml"]);
  });

  it.each(files)("%s is a valid workflow for GitHub's parser", async (f) => {
    expect(await validate(f, text(f))).toEqual([]);
  });

  it("the validator is real: it rejects a misspelt key, an unknown context and a bad permission value", async () => {
    const bad = `on: push
permissions:
  id-token: writ
jobs:
  a:
    runs-onn: ubuntu-24.04
    steps:
      - run: echo \${{ matrixx.stack }}
`;
    const errors = (await validate("bad.yml", bad)).join("\n");
    expect(errors).toMatch(/Unexpected value 'writ'/);
    expect(errors).toMatch(/runs-onn/);
  });

  it("pins every third-party action to a full commit SHA with its version in a comment", () => {
    for (const f of files) {
      for (const m of text(f).matchAll(/uses:\s*(\S+)(.*)$/gm)) {
        const ref = m[1];
        if (ref.startsWith("./")) continue;
        expect(ref, `${f}: ${ref}`).toMatch(/^[\w.-]+\/[\w.-]+(\/[\w./-]+)?@[0-9a-f]{40}$/);
        expect(m[2], `${f}: ${ref}`).toMatch(/# v\d+\.\d+\.\d+/);
      }
    }
  });

  it("uses OIDC for cloud credentials, never stored keys", () => {
    for (const f of files) {
      expect(text(f)).not.toMatch(/aws-access-key-id|aws-secret-access-key|AWS_SECRET_ACCESS_KEY|PULUMI_ACCESS_TOKEN:\s*\$\{\{\s*secrets/);
    }
    const job = load("_pulumi.yml").jobs.pulumi;
    expect(job.permissions["id-token"]).toBe("write");
    const aws = job.steps.find((s: { uses?: string }) => s.uses?.startsWith("aws-actions/configure-aws-credentials@"));
    expect(aws.with["role-to-assume"]).toBe("${{ vars.AWS_ROLE_ARN }}");
    expect(job.steps.some((s: { uses?: string }) => s.uses?.startsWith("pulumi/auth-actions@"))).toBe(true);
    // callers grant id-token: write to the reusable workflow (a called workflow can only narrow permissions)
    for (const f of ["pr.yml", "deploy.yml", "destroy.yml"])
      for (const [name, j] of Object.entries(load(f).jobs) as [string, { uses?: string; permissions?: Record<string, string> }][])
        if (j.uses === "./.github/workflows/_pulumi.yml") expect(j.permissions?.["id-token"], `${f}: ${name}`).toBe("write");
    for (const f of ["pr.yml", "deploy.yml", "destroy.yml"]) expect(load(f).permissions, f).toEqual({});
  });

  it("runs the policy pack with the stack's config file on preview and up", () => {
    const step = load("_pulumi.yml").jobs.pulumi.steps.find((s: { uses?: string }) => s.uses?.startsWith("pulumi/actions@"));
    expect(step.with.policyPacks).toContain("'policies'");
    expect(step.with.policyPackConfigs).toContain("policies/config/{0}.json");
    expect(existsSync(join(ROOT, "policies/PulumiPolicy.yaml"))).toBe(true);
    for (const stack of ["dev", "staging", "prod"]) expect(existsSync(join(ROOT, `policies/config/${stack}.json`)), stack).toBe(true);
  });

  it("pr: tests via .ci/run, previews dev, staging and prod with a PR comment", () => {
    const wf = load("pr.yml");
    expect(Object.keys(wf.on)).toEqual(["pull_request"]);
    expect(wf.jobs.test.uses).toBe("./.github/workflows/_test.yml");
    expect(load("_test.yml").jobs.test.steps.map((s: { run?: string }) => s.run).filter(Boolean)).toEqual(["bash .ci/run"]);
    expect(wf.jobs.preview.strategy.matrix.stack).toEqual(["dev", "staging", "prod"]);
    expect(wf.jobs.preview.with).toMatchObject({ command: "preview", comment_on_pr: true });
    expect(wf.jobs.preview.permissions["pull-requests"]).toBe("write");
  });

  it("deploy: on push to main, up dev then staging, prod only after a preview and the production environment", () => {
    const wf = load("deploy.yml");
    expect(wf.on).toEqual({ push: { branches: ["main"] } });
    expect(wf.concurrency["cancel-in-progress"]).toBe(false);
    const { dev, staging, prod } = wf.jobs;
    expect([dev.with, staging.with, prod.with].map((w) => [w.command, w.stack])).toEqual([["up", "dev"], ["up", "staging"], ["up", "prod"]]);
    expect(dev.needs).toBe("test");
    expect(staging.needs).toBe("dev");
    expect(wf.jobs["prod-preview"]).toMatchObject({ needs: "staging", with: { command: "preview", stack: "prod" } });
    expect(prod.needs).toBe("prod-preview");
    expect(prod.with.environment).toBe("production");
    expect(load("_pulumi.yml").jobs.pulumi.environment).toBe("${{ inputs.environment }}");
  });

  describe("destroy", () => {
    const wf = load("destroy.yml");
    const script: string = wf.jobs.guard.steps[0].run;
    const guard = (stack: string, confirm = stack) =>
      spawnSync("bash", ["-c", script], { env: { PATH: process.env.PATH, STACK: stack, CONFIRM: confirm }, encoding: "utf8" });

    it("is manual only and destroys after the guard", () => {
      expect(Object.keys(wf.on)).toEqual(["workflow_dispatch"]);
      expect(wf.jobs.destroy).toMatchObject({ needs: "guard", with: { command: "destroy", environment: "ephemeral" } });
      expect(wf.jobs.destroy.if).toContain("inputs.stack != 'prod'");
    });
    it("refuses prod, bad names and a mismatched confirmation; accepts an ephemeral stack", () => {
      expect(guard("prod").status).toBe(1);
      expect(guard("prod").stdout).toMatch(/refuses stack 'prod'/);
      expect(guard("production").status).toBe(1);
      expect(guard("pr-42", "pr-43").status).toBe(1);
      expect(guard("Org/pr-42").status).toBe(1);
      expect(guard("x; rm -rf /").status).toBe(1);
      expect(guard("pr-42").status).toBe(0);
    });
  });
});
