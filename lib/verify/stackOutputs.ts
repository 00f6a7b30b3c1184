/**
 * `pulumi stack output --json --show-secrets` for verify and rewind, with the backend the wrapper (bin/pulumi.ts,
 * lib/pulumiCli.ts) would choose: the same lookup of the CLI and the same local-file-backend fallback. Never creates
 * or selects a stack.
 */
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { checkRequest, planInvocation, readRepoFacts } from "../pulumiCli";
import { parseOutputs, type VerifyOutputs } from "./outputs";

export function findPulumi(): string | undefined {
  // The lookup of bin/pulumi.ts.
  const candidates = [process.env.PULUMI_CLI, "pulumi", join(process.env.HOME ?? "", ".pulumi", "bin", "pulumi")].filter((c): c is string => Boolean(c));
  return candidates.find((c) => spawnSync(c, ["version"], { stdio: "ignore" }).status === 0);
}

export function readStackOutputs(stack: string, repoRoot: string): VerifyOutputs & Record<string, unknown> {
  const pulumi = findPulumi();
  if (!pulumi) throw new Error("the Pulumi CLI was not found (install it or set PULUMI_CLI), or pass --outputs FILE with `pulumi stack output --json --show-secrets`");
  const loggedIn = spawnSync(pulumi, ["whoami"], { stdio: "ignore", env: process.env }).status === 0;
  // Only the backend environment is taken from the wrapper's invocation ("preview" is any of its commands).
  // The wrapper's own checks: a stack file must exist, and a stack holding real data is never read from a local backend.
  const req = checkRequest("preview", ["--stack", stack], readRepoFacts(repoRoot));
  const inv = planInvocation(req, { env: process.env, repoRoot, loggedIn });
  const r = spawnSync(pulumi, ["stack", "output", "--json", "--show-secrets", "--stack", stack], { env: { ...process.env, ...inv.env }, cwd: repoRoot, encoding: "utf8", maxBuffer: 64 << 20 });
  if (r.status !== 0) throw new Error(`pulumi stack output --stack ${stack} failed: ${(r.stderr || r.stdout).trim().split("\n").slice(-3).join(" ")}`);
  return parseOutputs(r.stdout, `pulumi stack output --stack ${stack}`);
}
