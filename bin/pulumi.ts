/**
 * npm run up|preview|destroy -- [--stack NAME] [--local-backend] [--confirm-destroy=NAME] [pulumi flags...]
 * (default stack: local). What it refuses, and why, is in lib/pulumiCli.ts; exit 64 usage error, 77 refused.
 */
import { spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { COMMANDS, EXIT_USAGE, checkRequest, planInvocation, readRepoFacts, WrapperError, type Command, type Invocation } from "../lib/pulumiCli";

const repoRoot = resolve(__dirname, "..");

function findPulumi(): string | undefined {
  const candidates = [process.env.PULUMI_CLI, "pulumi", join(process.env.HOME ?? "", ".pulumi", "bin", "pulumi")].filter((c): c is string => Boolean(c));
  return candidates.find((c) => spawnSync(c, ["version"], { stdio: "ignore" }).status === 0);
}

function main(): number {
  const [command, ...argv] = process.argv.slice(2);
  if (!COMMANDS.includes(command as Command)) {
    process.stderr.write(`usage: npm run ${COMMANDS.join("|")} -- [--stack NAME] [--local-backend] [--confirm-destroy=NAME] [pulumi flags]\n`);
    return EXIT_USAGE;
  }
  try {
    // Every refusal that needs no Pulumi CLI comes first: unknown stack, destroying a stack that holds real data.
    const request = checkRequest(command as Command, argv, readRepoFacts(repoRoot));
    const pulumi = findPulumi();
    if (!pulumi) {
      process.stderr.write("The Pulumi CLI was not found. Install it (https://www.pulumi.com/docs/install/), e.g.\n  curl -fsSL https://get.pulumi.com | sh\nand make sure `pulumi` is on PATH (or set PULUMI_CLI).\n");
      return 127;
    }
    // Logged in to some backend? Only asked when the user named none.
    const loggedIn = !request.localBackend && !process.env.PULUMI_BACKEND_URL && spawnSync(pulumi, ["whoami"], { stdio: "ignore", env: process.env }).status === 0;
    const inv = planInvocation(request, { env: process.env, repoRoot, loggedIn });
    return run(pulumi, inv);
  } catch (e) {
    if (e instanceof WrapperError) {
      process.stderr.write(`${e.message}\n`);
      return e.exitCode;
    }
    throw e;
  }
}

function run(pulumi: string, inv: Invocation): number {
  if (inv.stateDir) {
    mkdirSync(inv.stateDir, { recursive: true });
    process.stderr.write(`Using the local file backend ${inv.env.PULUMI_BACKEND_URL}\n`);
  }
  if (inv.passphraseFile && !existsSync(inv.passphraseFile)) {
    writeFileSync(inv.passphraseFile, randomBytes(32).toString("base64url") + "\n", { mode: 0o600 });
    process.stderr.write(`Generated a passphrase for this local backend's secrets: ${inv.passphraseFile} (keep it; it decrypts the state's secrets)\n`);
  }
  const env = { ...process.env, ...inv.env };
  const select = spawnSync(pulumi, inv.selectArgs, { stdio: "inherit", env, cwd: repoRoot });
  if (select.status !== 0) return select.status ?? 1;
  const run = spawnSync(pulumi, inv.args, { stdio: "inherit", env, cwd: repoRoot });
  return run.status ?? 1;
}

process.exit(main());
