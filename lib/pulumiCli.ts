/**
 * How `npm run up|preview|destroy` drives the Pulumi CLI (pure; bin/pulumi.ts executes it). It refuses what would
 * surprise, before it runs anything:
 * - a stack without a stack file (`stacks/Pulumi.<stack>.yaml`, exact name): Pulumi would create an empty stack;
 * - `destroy` of a stack whose data policy (`policies/config/<stack>.json`, `data-volumes-retained.holdsRealData`)
 *   says it holds real data, without `--confirm-destroy=<stack>`; checked before the Pulumi CLI is even looked up;
 * - a local file backend for such a stack, unless asked for (`--local-backend`, or `PULUMI_BACKEND_URL` set by the user).
 * Otherwise no Pulumi Cloud account is needed: when the user is not logged in and no backend is configured, state goes
 * to a local file backend inside the repository, with a generated passphrase file for secrets.
 */
import { readdirSync } from "node:fs";
import { join } from "node:path";
import { holdsRealData, readStackPolicyConfig } from "../policies/config";

export const COMMANDS = ["up", "preview", "destroy"] as const;
export type Command = (typeof COMMANDS)[number];

export const DEFAULT_STACK = "local";
/** Exit codes: a usage error (bad flag, unknown stack) and a refusal that an explicit flag would lift. */
export const EXIT_USAGE = 64;
export const EXIT_REFUSED = 77;
export const LOCAL_BACKEND_FLAG = "--local-backend";
export const CONFIRM_DESTROY_FLAG = "--confirm-destroy";

export class WrapperError extends Error {
  constructor(
    message: string,
    readonly exitCode: number,
  ) {
    super(message);
  }
}
/** A malformed command line or a stack that does not exist: exit 64. */
export class UsageError extends WrapperError {
  constructor(message: string) {
    super(message, EXIT_USAGE);
  }
}
/** Something the user must ask for explicitly: exit 77. */
export class Refusal extends WrapperError {
  constructor(message: string) {
    super(message, EXIT_REFUSED);
  }
}

export interface DataPolicy {
  /** The policy config file the fact comes from, relative to the repository. */
  readonly file: string;
  readonly holdsRealData: boolean;
}

/** What the repository says about stacks: which have a stack file, and each one's data policy. */
export interface RepoFacts {
  /** Names with a stack file `stacks/Pulumi.<name>.yaml`, exactly as spelled on disk. */
  readonly stacks: readonly string[];
  /** The stack's policy config, or undefined when it has none (an ephemeral stack). */
  readonly policy: (stack: string) => DataPolicy | undefined;
}

/** Read the facts from the repository (exact names from directory listings, so `Prod` is not `prod` on any disk). */
export function readRepoFacts(repoRoot: string): RepoFacts {
  const list = (dir: string, re: RegExp): string[] => {
    try {
      return readdirSync(dir)
        .map((f) => f.match(re)?.[1])
        .filter((x): x is string => x !== undefined);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === "ENOENT") return [];
      throw e;
    }
  };
  const configDir = join(repoRoot, "policies", "config");
  const configs = list(configDir, /^(.+)\.json$/);
  return {
    stacks: list(join(repoRoot, "stacks"), /^Pulumi\.(.+)\.ya?ml$/),
    policy: (stack) => {
      if (!configs.includes(stack)) return undefined;
      const cfg = readStackPolicyConfig(stack, configDir) ?? {};
      return { file: join("policies", "config", `${stack}.json`), holdsRealData: holdsRealData(cfg) };
    },
  };
}

/** A checked request: the stack exists and may be acted on (phase one, before the Pulumi CLI is looked up). */
export interface Request {
  readonly command: Command;
  readonly stack: string;
  readonly policy?: DataPolicy;
  /** `--local-backend`: use the repository's file backend even for a stack that holds real data. */
  readonly localBackend: boolean;
  /** Flags passed through to `pulumi <command>`. */
  readonly rest: readonly string[];
}

const STACK_NAME = /^[A-Za-z0-9_.-]+$/;

/**
 * Parse and check the command line. Throws UsageError (unknown stack, bad flag) or Refusal (destroying a stack that
 * holds real data without `--confirm-destroy=<stack>`). Runs nothing and needs no Pulumi CLI.
 */
export function checkRequest(command: Command, argv: readonly string[], facts: RepoFacts): Request {
  let stack: string | undefined;
  let confirm: string | undefined;
  let localBackend = false;
  const rest: string[] = [];
  const setStack = (v: string | undefined, flag: string) => {
    if (!v) throw new UsageError(`${flag} needs a stack name (${facts.stacks.join(", ")})`);
    if (stack !== undefined && stack !== v) throw new UsageError(`two different stacks given: '${stack}' and '${v}'`);
    stack = v;
  };
  for (let k = 0; k < argv.length; k++) {
    const a = argv[k];
    if (a === "--stack" || a === "-s") setStack(argv[++k], a);
    else if (a.startsWith("--stack=")) setStack(a.slice("--stack=".length), "--stack");
    // Pulumi's flag parser also takes `-s=NAME` and `-sNAME`: never let one slip through beside ours.
    else if (/^-s./.test(a)) setStack(a.slice(a[2] === "=" ? 3 : 2), "-s");
    else if (a === CONFIRM_DESTROY_FLAG) confirm = argv[++k] ?? "";
    else if (a.startsWith(`${CONFIRM_DESTROY_FLAG}=`)) confirm = a.slice(CONFIRM_DESTROY_FLAG.length + 1);
    else if (a === "--confirm-destroy-prod") throw new UsageError(`--confirm-destroy-prod is gone: name the stack, ${CONFIRM_DESTROY_FLAG}=<stack>`);
    else if (a === LOCAL_BACKEND_FLAG) localBackend = true;
    else rest.push(a);
  }
  const name = stack ?? DEFAULT_STACK;
  if (!STACK_NAME.test(name)) throw new UsageError(`invalid stack name '${name}'`);
  if (!facts.stacks.includes(name))
    throw new UsageError(
      `no stack file stacks/Pulumi.${name}.yaml: the stacks are ${facts.stacks.join(", ") || "(none)"}. ` +
        `Stack names are case-sensitive; to add a stack, create its stack file first.`,
    );
  const policy = facts.policy(name);
  if (confirm !== undefined) {
    if (command !== "destroy") throw new UsageError(`${CONFIRM_DESTROY_FLAG} only applies to destroy`);
    if (confirm !== name) throw new UsageError(`${CONFIRM_DESTROY_FLAG}=${confirm} does not name the stack being destroyed ('${name}')`);
  }
  if (command === "destroy" && policy?.holdsRealData && confirm !== name)
    throw new Refusal(
      `refusing to destroy '${name}': its data policy (${policy.file}) says it holds real data. Its data volumes are ` +
        `protected and retained anyway; pass ${CONFIRM_DESTROY_FLAG}=${name} if you really mean it.`,
    );
  return { command, stack: name, policy, localBackend, rest };
}

export interface BackendContext {
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly repoRoot: string;
  /** Whether `pulumi whoami` succeeded (logged in to some backend). */
  readonly loggedIn: boolean;
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

/**
 * Phase two, once the CLI is known: which backend, and the two Pulumi command lines. Throws Refusal for a local file
 * backend the user did not ask for on a stack that holds real data.
 */
export function planInvocation(r: Request, c: BackendContext): Invocation {
  const userBackend = Boolean(c.env.PULUMI_BACKEND_URL);
  if (r.localBackend && userBackend)
    throw new UsageError(`${LOCAL_BACKEND_FLAG} and PULUMI_BACKEND_URL=${c.env.PULUMI_BACKEND_URL} contradict each other: give one`);
  const local = r.localBackend || (!c.loggedIn && !userBackend);
  if (local && !r.localBackend && r.policy?.holdsRealData)
    throw new Refusal(
      `refusing to keep '${r.stack}' in a local file backend (.pulumi-state/ in this checkout): you are not logged in to a ` +
        `Pulumi backend and its data policy (${r.policy.file}) says it holds real data, whose state must not live on one ` +
        `disk. Log in (pulumi login), set PULUMI_BACKEND_URL, or pass ${LOCAL_BACKEND_FLAG} if you really mean it.`,
    );
  const env: Record<string, string> = {};
  let stateDir: string | undefined;
  let passphraseFile: string | undefined;
  if (local) {
    stateDir = join(c.repoRoot, ".pulumi-state");
    env.PULUMI_BACKEND_URL = `file://${stateDir}`;
    if (!c.env.PULUMI_CONFIG_PASSPHRASE && !c.env.PULUMI_CONFIG_PASSPHRASE_FILE) {
      passphraseFile = join(stateDir, "passphrase");
      env.PULUMI_CONFIG_PASSPHRASE_FILE = passphraseFile;
    }
  }
  const selectArgs = ["stack", "select", r.stack, "--create", ...(stateDir ? ["--secrets-provider", "passphrase"] : [])];
  const policy =
    r.command !== "destroy" && r.policy
      ? ["--policy-pack", join(c.repoRoot, "policies"), "--policy-pack-config", join(c.repoRoot, r.policy.file)]
      : [];
  const args = [r.command, "--stack", r.stack, ...policy, ...r.rest];
  return { stack: r.stack, env, stateDir, passphraseFile, selectArgs, args };
}
