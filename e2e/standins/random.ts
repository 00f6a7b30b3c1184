/**
 * ############################################################################################################
 * #  STAND-IN for the `random` provider plugin, for the e2e suite only. NOT the upstream pulumi-random.       #
 * #  The real plugin (pulumi-resource-random 4.21.2, the Terraform random provider bridged) cannot be         #
 * #  obtained on the e2e machines. This implements the one resource type the program uses,                   #
 * #  random:index/randomPassword:RandomPassword, with the real token, property names and semantics:          #
 * #  a cryptographically random result generated once at create and kept across updates, every input change  #
 * #  (keepers included) a replacement, `result` and `bcryptHash` returned as secrets, id "none".              #
 * #  Served by e2e/standins/serve.ts through e2e/standins/bin/pulumi-resource-random. See README.md there.     #
 * ############################################################################################################
 */
import { randomInt } from "node:crypto";
import { bcryptHash } from "./bcrypt";
import { checkProps, type PropertySpec } from "./validate";
import { standinProvider, type CheckFailure, type Json, type Props, type StandinProvider, type StandinResource } from "./wire";

/** The @pulumi/random SDK version this stand-in answers for (package.json pins it). */
export const RANDOM_VERSION = "4.21.2";
export const RANDOM_PASSWORD = "random:index/randomPassword:RandomPassword";

// The Terraform random provider's character sets (internal/random/string.go).
export const CHARSETS = {
  lower: "abcdefghijklmnopqrstuvwxyz",
  upper: "ABCDEFGHIJKLMNOPQRSTUVWXYZ",
  numeric: "0123456789",
  special: "!@#$%&*()-_=+[]{}<>:?",
} as const;

const PASSWORD_SPECS: Record<string, PropertySpec> = {
  keepers: { kind: "object" },
  length: { kind: "integer", required: true, atLeast: 1 },
  lower: { kind: "boolean" },
  minLower: { kind: "integer", atLeast: 0 },
  minNumeric: { kind: "integer", atLeast: 0 },
  minSpecial: { kind: "integer", atLeast: 0 },
  minUpper: { kind: "integer", atLeast: 0 },
  number: { kind: "boolean" },
  numeric: { kind: "boolean" },
  overrideSpecial: { kind: "string" },
  special: { kind: "boolean" },
  upper: { kind: "boolean" },
};

/** The fully defaulted inputs of a RandomPassword. */
export interface PasswordInputs {
  readonly length: number;
  readonly lower: boolean;
  readonly upper: boolean;
  readonly numeric: boolean;
  readonly special: boolean;
  readonly minLower: number;
  readonly minUpper: number;
  readonly minNumeric: number;
  readonly minSpecial: number;
  readonly overrideSpecial?: string;
}

/**
 * A password as the Terraform provider's CreateString builds it: `min*` characters from each set (even a set turned
 * off), the rest from the union of the enabled sets, then shuffled; crypto/rand throughout. An empty
 * overrideSpecial means the default special characters (as upstream).
 */
export function generatePassword(i: PasswordInputs): string {
  const special = i.overrideSpecial ? i.overrideSpecial : CHARSETS.special;
  const pool = (i.upper ? CHARSETS.upper : "") + (i.lower ? CHARSETS.lower : "") + (i.numeric ? CHARSETS.numeric : "") + (i.special ? special : "");
  const pick = (set: string, n: number): string[] => Array.from({ length: n }, () => set[randomInt(set.length)]);
  const chars = [...pick(CHARSETS.numeric, i.minNumeric), ...pick(CHARSETS.lower, i.minLower), ...pick(CHARSETS.upper, i.minUpper), ...pick(special, i.minSpecial)];
  const rest = i.length - chars.length;
  if (rest > 0 && !pool.length) throw new Error("the character set is empty: at least one of upper, lower, numeric, special must be true");
  chars.push(...pick(pool, Math.max(0, rest)));
  for (let k = chars.length - 1; k > 0; k--) {
    const j = randomInt(k + 1);
    [chars[k], chars[j]] = [chars[j], chars[k]];
  }
  return chars.join("");
}

const bool = (v: Json | undefined, d: boolean): boolean => (typeof v === "boolean" ? v : d);
const int = (v: Json | undefined, d: number): number => (typeof v === "number" ? v : d);

export const randomPassword: StandinResource = {
  normalize(v) {
    // `number` is the deprecated name of `numeric`: either one sets both.
    const numeric = typeof v.numeric === "boolean" ? v.numeric : bool(v.number, true);
    return {
      keepers: v.keepers ?? undefined,
      length: v.length ?? undefined,
      lower: bool(v.lower, true),
      minLower: int(v.minLower, 0),
      minNumeric: int(v.minNumeric, 0),
      minSpecial: int(v.minSpecial, 0),
      minUpper: int(v.minUpper, 0),
      number: numeric,
      numeric,
      overrideSpecial: v.overrideSpecial ?? undefined,
      special: bool(v.special, true),
      upper: bool(v.upper, true),
    };
  },
  check(props: Props): CheckFailure[] {
    const failures = checkProps(props, PASSWORD_SPECS, RANDOM_PASSWORD);
    if (failures.length) return failures;
    const v = props.values;
    const mins = ["minUpper", "minLower", "minNumeric", "minSpecial"] as const;
    if (typeof v.length === "number" && mins.every((m) => !props.unknown.has(m))) {
      const sum = mins.reduce((s, m) => s + int(v[m], 0), 0);
      if (v.length < sum) failures.push({ property: "length", reason: `Attribute length value must be at least sum of min_upper + min_lower + min_numeric + min_special, got: ${v.length}` });
    }
    if (typeof v.number === "boolean" && typeof v.numeric === "boolean" && v.number !== v.numeric) {
      failures.push({ property: "number", reason: "'number' (deprecated) and 'numeric' must agree when both are set" });
    }
    return failures;
  },
  create(i) {
    const inputs: PasswordInputs = {
      length: i.length as number,
      lower: i.lower as boolean,
      upper: i.upper as boolean,
      numeric: i.numeric as boolean,
      special: i.special as boolean,
      minLower: i.minLower as number,
      minUpper: i.minUpper as number,
      minNumeric: i.minNumeric as number,
      minSpecial: i.minSpecial as number,
      overrideSpecial: typeof i.overrideSpecial === "string" ? i.overrideSpecial : undefined,
    };
    const result = generatePassword(inputs);
    return { id: "none", outs: { ...i, result, bcryptHash: bcryptHash(result, 10) } };
  },
  sensitiveOutputs: ["result", "bcryptHash"],
};

/** The stand-in `random` provider: only RandomPassword. */
export const randomProvider: StandinProvider = standinProvider("random", RANDOM_VERSION, { [RANDOM_PASSWORD]: randomPassword });
