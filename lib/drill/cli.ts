/** `npm run drill` command line (pure). */
import { checkStackAndConfirm, scanFlags } from "../opsCli";
import { FAULT_DOMAIN_KINDS, type FaultDomainKind } from "./steps";

export class DrillUsageError extends Error {}

export interface DrillArgs {
  readonly stack: string;
  readonly faultDomain: FaultDomainKind;
  readonly domain?: string;
  readonly execute: boolean;
  readonly confirm?: string;
  readonly probeIntervalMs: number;
  readonly holdSeconds: number;
  /** The JSON of `pulumi stack output --json --show-secrets` instead of asking the Pulumi CLI. */
  readonly outputs?: string;
  /** The k3s kubeconfig the probes use (instead of the `kubeconfig` output), its context, and a server URL to dial instead. */
  readonly kubeconfig?: string;
  readonly context?: string;
  readonly k3sServer?: string;
  /** Skip the tablet-server check (yb-admin), e.g. on a test bed whose pods run nothing. */
  readonly ybAdmin: boolean;
}

export const DRILL_DEFAULTS = { probeIntervalMs: 1000, holdSeconds: 120 } as const;

export const DRILL_USAGE = `usage: npm run drill -- --stack NAME --fault-domain <zone|region> [--domain NAME]
       [--execute [--confirm NAME]] [--probe-interval-ms N (${DRILL_DEFAULTS.probeIntervalMs})] [--hold-seconds N (${DRILL_DEFAULTS.holdSeconds})]
       [--outputs FILE] [--kubeconfig FILE] [--context NAME] [--k3s-server URL] [--no-yb-admin]
Without --execute it only prints the steps.`;

const GRAMMAR = {
  valued: ["--stack", "--fault-domain", "--domain", "--confirm", "--probe-interval-ms", "--hold-seconds", "--outputs", "--kubeconfig", "--context", "--k3s-server"],
  booleans: ["--execute", "--no-yb-admin"],
  usage: DRILL_USAGE,
  error: (m: string) => new DrillUsageError(m),
} as const;

export function parseDrillArgs(argv: readonly string[]): DrillArgs {
  const f = scanFlags(argv, GRAMMAR);
  const stack = checkStackAndConfirm(f, GRAMMAR, "drilled");
  const v = f.values;
  const execute = f.set.has("--execute");
  const ybAdmin = !f.set.has("--no-yb-admin");
  const kind = v["--fault-domain"];
  if (!kind) throw new DrillUsageError(`--fault-domain is required (${FAULT_DOMAIN_KINDS.join(" or ")})\n${DRILL_USAGE}`);
  if (!(FAULT_DOMAIN_KINDS as readonly string[]).includes(kind)) throw new DrillUsageError(`--fault-domain must be ${FAULT_DOMAIN_KINDS.join(" or ")}, not '${kind}'`);
  const int = (flag: string, dflt: number, min: number, max: number): number => {
    if (v[flag] === undefined) return dflt;
    const n = Number(v[flag]);
    if (!/^\d+$/.test(v[flag]) || n < min || n > max) throw new DrillUsageError(`${flag} must be a whole number from ${min} to ${max}, not '${v[flag]}'`);
    return n;
  };
  const probeIntervalMs = int("--probe-interval-ms", DRILL_DEFAULTS.probeIntervalMs, 100, 60_000);
  const holdSeconds = int("--hold-seconds", DRILL_DEFAULTS.holdSeconds, 1, 3600);
  if (probeIntervalMs > holdSeconds * 1000) throw new DrillUsageError(`--probe-interval-ms ${probeIntervalMs} is longer than the hold (${holdSeconds} s): no probe would run twice`);
  if (v["--k3s-server"] !== undefined && !/^https:\/\/[^/]+\/?$/.test(v["--k3s-server"])) throw new DrillUsageError(`--k3s-server must be an https:// URL with no path, not '${v["--k3s-server"]}'`);
  return {
    stack,
    faultDomain: kind as FaultDomainKind,
    domain: v["--domain"],
    execute,
    confirm: v["--confirm"],
    probeIntervalMs,
    holdSeconds,
    outputs: v["--outputs"],
    kubeconfig: v["--kubeconfig"],
    context: v["--context"],
    k3sServer: v["--k3s-server"],
    ybAdmin,
  };
}
