/**
 * What the mock engine answers for each resource type and call the program may use. Anything not listed throws:
 * a resource or call we forgot to model must fail loudly, never pass silently.
 */
import { createHash } from "node:crypto";

export type Inputs = Record<string, unknown>;
export type StateFn = (inputs: Inputs, name: string) => Inputs;
export type CallFn = (inputs: Inputs) => Inputs;

export const resourceStates = new Map<string, StateFn>();
export const callResults = new Map<string, CallFn>();

export const digest = (s: string, n = 12): string => createHash("sha256").update(s).digest("hex").slice(0, n);

/** A deterministic alphanumeric string of the requested length (mock generated secrets). */
export function mockSecret(seed: string, length: number): string {
  const alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789";
  let out = "";
  let block = "";
  for (let i = 0; out.length < length; i++) {
    if (block.length === 0) block = createHash("sha256").update(`${seed}:${i}`).digest("hex");
    out += alphabet[parseInt(block.slice(0, 2), 16) % alphabet.length];
    block = block.slice(2);
  }
  return out;
}

export const fakePem = (kind: string, seed: string): string =>
  `-----BEGIN ${kind}-----\n${Buffer.from(`yb-k3s mock ${kind} ${seed}`).toString("base64")}\n-----END ${kind}-----\n`;

export function registerResource(type: string, fn: StateFn): void {
  resourceStates.set(type, fn);
}
export function registerCall(token: string, fn: CallFn): void {
  callResults.set(token, fn);
}
