/**
 * STAND-IN support (e2e only): the type and range checks of the stand-in providers' schemas, reported the way
 * a provider's Check reports failures (one per property).
 */
import type { CheckFailure, Json, Props } from "./wire";

export type Kind = "boolean" | "string" | "integer" | "stringList" | "object";

const isKind = (v: Json, kind: Kind): boolean => {
  switch (kind) {
    case "boolean":
      return typeof v === "boolean";
    case "string":
      return typeof v === "string";
    case "integer":
      return typeof v === "number" && Number.isInteger(v);
    case "stringList":
      return Array.isArray(v) && v.every((x) => typeof x === "string");
    case "object":
      return typeof v === "object" && v !== null && !Array.isArray(v);
  }
};

const KIND_TEXT: Record<Kind, string> = {
  boolean: "a boolean",
  string: "a string",
  integer: "an integer",
  stringList: "a list of strings",
  object: "an object",
};

export interface PropertySpec {
  readonly kind: Kind;
  readonly required?: boolean;
  /** Smallest allowed value (integers). */
  readonly atLeast?: number;
  /** Allowed values (strings, or every element of a string list). */
  readonly oneOf?: readonly string[];
  /** Not implemented by the stand-in: any value is a check failure that says so. */
  readonly unsupported?: boolean;
}

/** Check known properties against their specs; unknown properties (previews) are skipped. Unlisted names fail. */
export function checkProps(props: Props, specs: Readonly<Record<string, PropertySpec>>, what: string): CheckFailure[] {
  const failures: CheckFailure[] = [];
  const fail = (property: string, reason: string) => failures.push({ property, reason });
  for (const [name, spec] of Object.entries(specs)) {
    if (props.unknown.has(name)) continue;
    const v = props.values[name];
    if (v === undefined || v === null) {
      if (spec.required) fail(name, `missing required property '${name}'`);
      continue;
    }
    if (spec.unsupported) {
      fail(name, `'${name}' is not implemented by the ${what} STAND-IN provider (e2e/standins); the real provider accepts it`);
      continue;
    }
    if (!isKind(v, spec.kind)) {
      fail(name, `'${name}' must be ${KIND_TEXT[spec.kind]}, got ${JSON.stringify(v)}`);
      continue;
    }
    if (spec.atLeast !== undefined && typeof v === "number" && v < spec.atLeast) fail(name, `'${name}' must be at least ${spec.atLeast}, got: ${v}`);
    if (spec.oneOf) {
      for (const x of Array.isArray(v) ? v : [v]) {
        if (typeof x === "string" && !spec.oneOf.includes(x)) fail(name, `'${name}' value must be one of: ${spec.oneOf.map((o) => `"${o}"`).join(", ")}; got: "${x}"`);
      }
    }
  }
  for (const name of Object.keys(props.values)) {
    if (!(name in specs)) fail(name, `'${name}' is not an input of ${what}`);
  }
  return failures;
}
