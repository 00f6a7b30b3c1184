/**
 * How `npm run up|preview|destroy` drives the Pulumi CLI (pure; bin/pulumi.ts executes it).
 * No Pulumi Cloud account needed: when the user is not logged in and no backend is configured, state goes to a local
 * file backend inside the repository, with a generated passphrase file for secrets.
 */
import { join } from "node:path";

export const COMMANDS = ["up", "preview", "destroy"] as const;
export type Command = (typeof COMMANDS)[number];
/** Stacks that hold real data: destroying them needs an explicit confirmation flag. */
export const PROTECTED_STACKS = ["prod"] as const;

export interface InvocationInput {
  readonly command: Command;
  readonly argv: readonly string[];
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly repoRoot: string;
  /** Whether `pulumi whoami` succeeded (logged in to some backend). */
  readonly loggedIn: boolean;
  /** Whether the policy pack (policies/) is installed and has a config for the stack. */
  readonly policyConfigExists: (stack: string) => boolean;
}

export interface Invocation {
  readonly stack: string;
  readonly env: Record<string, string>;
  /** Local file backend directory to create, if any. */
  readonly stateDir?: string;
  /** Passphrase file to create if missing (local backend only). */
  readonly passphraseFile?: string;
  /** `pulumi stack select <stack> --create` arguments. */
  readonly selectArgs: string[];
  readonly args: string[];
}

export class UsageError extends Error {}

export function planInvocation(i: InvocationInput): Invocation {
  const argv = [...i.argv];
  let stack = "local";
  const rest: string[] = [];
  let confirmProd = false;
  for (let k = 0; k < argv.length; k++) {
    const a = argv[k];
    if (a === "--stack" || a === "-s") {
      const v = argv[++k];
      if (!v) throw new UsageError("--stack needs a stack name (local, dev, staging, prod)");
      stack = v;
    } else if (a.startsWith("--stack=")) stack = a.slice("--stack=".length);
    else if (a === "--confirm-destroy-prod") confirmProd = true;
    else rest.push(a);
  }
  if (!/^[A-Za-z0-9_.-]+$/.test(stack)) throw new UsageError(`invalid stack name '${stack}'`);
  if (i.command === "destroy" && (PROTECTED_STACKS as readonly string[]).includes(stack) && !confirmProd)
    throw new UsageError(`refusing to destroy '${stack}': it holds real data (its volumes are protected anyway). Pass --confirm-destroy-prod if you really mean it.`);

  const env: Record<string, string> = {};
  let stateDir: string | undefined;
  let passphraseFile: string | undefined;
  if (!i.loggedIn && !i.env.PULUMI_BACKEND_URL) {
    stateDir = join(i.repoRoot, ".pulumi-state");
    env.PULUMI_BACKEND_URL = `file://${stateDir}`;
    if (!i.env.PULUMI_CONFIG_PASSPHRASE && !i.env.PULUMI_CONFIG_PASSPHRASE_FILE) {
      passphraseFile = join(stateDir, "passphrase");
      env.PULUMI_CONFIG_PASSPHRASE_FILE = passphraseFile;
    }
  }
  const selectArgs = ["stack", "select", stack, "--create", ...(stateDir ? ["--secrets-provider", "passphrase"] : [])];
  const policy = i.command !== "destroy" && i.policyConfigExists(stack) ? ["--policy-pack", join(i.repoRoot, "policies"), "--policy-pack-config", join(i.repoRoot, "policies", "config", `${stack}.json`)] : [];
  const args = [i.command, "--stack", stack, ...policy, ...rest];
  return { stack, env, stateDir, passphraseFile, selectArgs, args };
}
