/** npm run up|preview|destroy -- [--stack NAME] [pulumi flags...]   (default stack: local) */
import { spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { COMMANDS, planInvocation, UsageError, type Command } from "../lib/pulumiCli";

const repoRoot = resolve(__dirname, "..");

function findPulumi(): string | undefined {
  const candidates = [process.env.PULUMI_CLI, "pulumi", join(process.env.HOME ?? "", ".pulumi", "bin", "pulumi")].filter((c): c is string => Boolean(c));
  return candidates.find((c) => spawnSync(c, ["version"], { stdio: "ignore" }).status === 0);
}

function main(): number {
  const [command, ...argv] = process.argv.slice(2);
  if (!COMMANDS.includes(command as Command)) {
    process.stderr.write(`usage: npm run ${COMMANDS.join("|")} -- [--stack NAME] [pulumi flags]\n`);
    return 64;
  }
  const pulumi = findPulumi();
  if (!pulumi) {
    process.stderr.write("The Pulumi CLI was not found. Install it (https://www.pulumi.com/docs/install/), e.g.\n  curl -fsSL https://get.pulumi.com | sh\nand make sure `pulumi` is on PATH (or set PULUMI_CLI).\n");
    return 127;
  }
  const loggedIn = spawnSync(pulumi, ["whoami"], { stdio: "ignore", env: process.env }).status === 0;
  let inv;
  try {
    inv = planInvocation({
      command: command as Command,
      argv,
      env: process.env,
      repoRoot,
      loggedIn,
      policyConfigExists: (s) => existsSync(join(repoRoot, "policies", "config", `${s}.json`)),
    });
  } catch (e) {
    if (e instanceof UsageError) {
      process.stderr.write(`${e.message}\n`);
      return 64;
    }
    throw e;
  }
  if (inv.stateDir) {
    mkdirSync(inv.stateDir, { recursive: true });
    process.stderr.write(`Not logged in to a Pulumi backend: using the local file backend ${inv.env.PULUMI_BACKEND_URL}\n`);
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
