/**
 * ############################################################################################################
 * #  STAND-IN PROVIDER PLUMBING (e2e only). This is NOT the upstream @pulumi/random or @pulumi/tls provider.   #
 * #  The real plugins cannot be obtained on the e2e machines, so e2e/standins/{random,tls}.ts re-implement the  #
 * #  few resource types this program uses, served by the Node SDK's own provider host (provider.main).         #
 * #  See e2e/standins/README.md for what is and is not implemented.                                           #
 * ############################################################################################################
 *
 * What this file does: turns the gRPC wire form the Node provider host hands over (it passes Struct.toJavaScript()
 * through as is) into plain values, and back. Configure answers acceptSecrets: true, so secrets arrive wrapped
 * (`{<sig>: <secretSig>, value}`) and the engine then expects the provider itself to return secret outputs wrapped
 * (it only copies secretness from inputs for providers that do not accept secrets). During a preview, values not
 * known yet arrive as the unknown sentinel string.
 *
 * Every resource is described by a StandinResource (its inputs, defaults, validation, creation, which properties
 * update in place); `standinProvider` builds the check/diff/create/update/delete handlers from them, with the
 * Terraform-bridged providers' semantics: any change of a non-updatable input is a replacement.
 */
import * as rpc from "@pulumi/pulumi/runtime/rpc";
import { isDeepStrictEqual } from "node:util";

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** A property bag decoded from the wire: known values, and which properties were secret or (partly) unknown. */
export interface Props {
  /** Known properties only (a property with any unknown part is left out). */
  readonly values: Readonly<Record<string, Json>>;
  /** Properties that were secret, or held a secret anywhere inside. */
  readonly secret: ReadonlySet<string>;
  /** Properties that were unknown, or held an unknown anywhere inside (previews). */
  readonly unknown: ReadonlySet<string>;
}

interface Decoded {
  readonly value: Json;
  readonly secret: boolean;
  readonly unknown: boolean;
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

function decode(v: unknown): Decoded {
  if (v === rpc.unknownValue) return { value: null, secret: false, unknown: true };
  if (v === undefined) return { value: null, secret: false, unknown: false };
  if (Array.isArray(v)) {
    const items = v.map(decode);
    return { value: items.map((i) => i.value), secret: items.some((i) => i.secret), unknown: items.some((i) => i.unknown) };
  }
  if (isRecord(v)) {
    const sig = v[rpc.specialSigKey];
    if (sig === rpc.specialSecretSig) {
      const inner = decode(v.value);
      return { ...inner, secret: true };
    }
    if (sig === rpc.specialOutputValueSig) {
      if (!("value" in v)) return { value: null, secret: v.secret === true, unknown: true };
      const inner = decode(v.value);
      return { ...inner, secret: inner.secret || v.secret === true };
    }
    if (sig !== undefined) throw new Error(`stand-in provider: assets, archives and resource references are not supported (signature ${String(sig)})`);
    const entries = Object.entries(v).map(([k, x]) => [k, decode(x)] as const);
    return {
      value: Object.fromEntries(entries.map(([k, d]) => [k, d.value])),
      secret: entries.some(([, d]) => d.secret),
      unknown: entries.some(([, d]) => d.unknown),
    };
  }
  if (typeof v === "string" || typeof v === "number" || typeof v === "boolean" || v === null) return { value: v, secret: false, unknown: false };
  throw new Error(`stand-in provider: unexpected value of type ${typeof v} on the wire`);
}

/** Decode a property bag as the Node provider host passes it (wire form). */
export function decodeProps(bag: unknown): Props {
  const values: Record<string, Json> = {};
  const secret = new Set<string>();
  const unknown = new Set<string>();
  if (bag !== undefined && bag !== null) {
    if (!isRecord(bag)) throw new Error("stand-in provider: a property bag must be an object");
    for (const [k, raw] of Object.entries(bag)) {
      const d = decode(raw);
      if (d.secret) secret.add(k);
      if (d.unknown) unknown.add(k);
      else values[k] = d.value;
    }
  }
  return { values, secret, unknown };
}

/** Plain outputs to wire form: the named properties wrapped as secrets, undefined properties left out. */
export function encodeOutputs(outs: Readonly<Record<string, Json | undefined>>, secret: Iterable<string>): Record<string, unknown> {
  const secrets = new Set(secret);
  const wire: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(outs)) {
    if (v === undefined) continue;
    wire[k] = secrets.has(k) ? { [rpc.specialSigKey]: rpc.specialSecretSig, value: v } : v;
  }
  return wire;
}

/** Wrap a plain value as the engine would send it: a secret (tests use this to build inputs). */
export const wireSecret = (value: Json): Record<string, unknown> => ({ [rpc.specialSigKey]: rpc.specialSecretSig, value });
/** The engine's unknown sentinel (previews). */
export const WIRE_UNKNOWN: string = rpc.unknownValue;

export interface CheckFailure {
  readonly property: string;
  readonly reason: string;
}

export interface Created {
  readonly id: string;
  /** Every output property (inputs with their defaults applied, and the computed ones). */
  readonly outs: Readonly<Record<string, Json | undefined>>;
}

/** One resource type of a stand-in provider. */
export interface StandinResource {
  /** The input properties, fully defaulted, from a (state or input) bag; properties not given stay undefined. */
  normalize(values: Readonly<Record<string, Json>>): Record<string, Json | undefined>;
  /** Validation (the Terraform schema's validators); unknown properties are skipped. */
  check(props: Props): CheckFailure[];
  /** Create the resource from fully defaulted inputs. Throws on failure (nothing is created then). */
  create(inputs: Readonly<Record<string, Json | undefined>>): Created;
  /** Outputs the schema marks sensitive (always returned as secrets). */
  readonly sensitiveOutputs: readonly string[];
  /** Inputs that change in place; every other input change forces a replacement. */
  readonly updatable?: readonly string[];
  /** Replacements the old state calls for even with unchanged inputs (a certificate due for renewal). */
  replacementsFromState?(olds: Props, news: Readonly<Record<string, Json | undefined>>, now: Date): string[];
}

export interface StandinCheckResult {
  readonly inputs: unknown;
  readonly failures: CheckFailure[];
}
export interface StandinDiffResult {
  readonly changes: boolean;
  readonly replaces: string[];
  readonly deleteBeforeReplace: boolean;
}

/** The handlers the Node provider host calls (a structural subset of @pulumi/pulumi/provider's Provider). */
export interface StandinProvider {
  readonly version: string;
  check(urn: string, olds: unknown, news: unknown): Promise<StandinCheckResult>;
  diff(id: string, urn: string, olds: unknown, news: unknown): Promise<StandinDiffResult>;
  create(urn: string, inputs: unknown): Promise<{ readonly id: string; readonly outs: Record<string, unknown> }>;
  update(id: string, urn: string, olds: unknown, news: unknown): Promise<{ readonly outs: Record<string, unknown> }>;
  delete(id: string, urn: string, props: unknown): Promise<void>;
}

/** The type token of a URN (`urn:pulumi:stack::project::parent$type::name`). */
export function typeOfUrn(urn: string): string {
  const parts = urn.split("::");
  if (parts.length < 4) throw new Error(`stand-in provider: not a URN: ${urn}`);
  return parts[2].split("$").pop() as string;
}

/** Empty lists and maps count as not set (the bridge treats them alike), so `[]` and "not given" do not diff. */
const blank = (v: Json | undefined): Json | undefined =>
  (Array.isArray(v) && v.length === 0) || (isRecord(v) && Object.keys(v).length === 0) ? undefined : v;

/** Build the provider handlers for a package from its resource types. */
export function standinProvider(pkg: string, version: string, resources: Readonly<Record<string, StandinResource>>, clock: () => Date = () => new Date()): StandinProvider {
  const resourceOf = (urn: string): StandinResource => {
    const type = typeOfUrn(urn);
    const r = resources[type];
    if (!r) throw new Error(`stand-in ${pkg} provider: resource type ${type} is not implemented (only ${Object.keys(resources).join(", ")})`);
    return r;
  };
  const outputSecrets = (r: StandinResource, inputs: Props) => [...r.sensitiveOutputs, ...inputs.secret];

  return {
    version,
    async check(urn, _olds, news) {
      const r = resourceOf(urn);
      // The inputs go back as given (wire form, secrets and unknowns intact); defaults are applied at create.
      return { inputs: news ?? {}, failures: r.check(decodeProps(news)) };
    },
    async diff(_id, urn, olds, news) {
      const r = resourceOf(urn);
      const o = decodeProps(olds);
      const n = decodeProps(news);
      const before = r.normalize(o.values);
      const after = r.normalize(n.values);
      const changed = [...new Set([...Object.keys(before), ...Object.keys(after), ...n.unknown])].filter(
        (k) => n.unknown.has(k) || !isDeepStrictEqual(blank(before[k]), blank(after[k])),
      );
      const updatable = new Set(r.updatable ?? []);
      const replaces = changed.filter((k) => !updatable.has(k));
      replaces.push(...(r.replacementsFromState?.(o, after, clock()) ?? []));
      return { changes: changed.length > 0 || replaces.length > 0, replaces, deleteBeforeReplace: false };
    },
    async create(urn, inputs) {
      const r = resourceOf(urn);
      const i = decodeProps(inputs);
      if (i.unknown.size) throw new Error(`stand-in ${pkg} provider: cannot create with unknown inputs (${[...i.unknown].join(", ")})`);
      const failures = r.check(i);
      if (failures.length) throw new Error(failures.map((f) => `${f.property}: ${f.reason}`).join("; "));
      const created = r.create(r.normalize(i.values));
      return { id: created.id, outs: encodeOutputs(created.outs, outputSecrets(r, i)) };
    },
    async update(_id, urn, olds, news) {
      // Only `updatable` inputs reach here (diff replaces on anything else): the state keeps every computed value and
      // takes the new value of those inputs, as the Terraform provider's update-from-plan does.
      const r = resourceOf(urn);
      const o = decodeProps(olds);
      const n = decodeProps(news);
      const after = r.normalize(n.values);
      const outs: Record<string, Json | undefined> = { ...o.values };
      const secrets = new Set([...r.sensitiveOutputs, ...o.secret]);
      for (const k of r.updatable ?? []) {
        outs[k] = after[k];
        if (n.secret.has(k)) secrets.add(k);
      }
      return { outs: encodeOutputs(outs, secrets) };
    },
    async delete() {
      // Nothing to delete: these resources live only in the state (as with the real providers).
    },
  };
}
