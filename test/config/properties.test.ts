/** Property tests: the loader never crashes on bad input with anything but a ConfigError, and valid configs round-trip. */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll } from "vitest";
import { ConfigError, parseStackConfig, parseTopology } from "../../config/load";
import { readStackFile } from "../../lib/stackFile";
import { analyzeFaultTolerance } from "../../planner/survivability";
import { buildPlan } from "../../planner/plan";
import { devConfig, localConfig, prodConfig, stagingConfig } from "../support/topologies";

const PROBLEM_LINE = /^yb-k3s:[^ ]+: .+$/;

/** Returns "ok" or "config-error"; anything else thrown fails the property. */
function load(raw: unknown): "ok" | "config-error" {
  try {
    parseTopology(raw as Record<string, unknown>);
    return "ok";
  } catch (e) {
    if (!(e instanceof ConfigError)) throw new Error(`non-ConfigError for ${JSON.stringify(raw)}: ${(e as Error)?.stack ?? String(e)}`);
    expect(e.problems.length).toBeGreaterThanOrEqual(1);
    for (const line of e.problems) expect(line).toMatch(PROBLEM_LINE);
    return "config-error";
  }
}

const VALID = [localConfig(), devConfig(), stagingConfig(), prodConfig()];
const TOP_KEYS = ["target", "faultTolerance", "replicationFactor", "cloud", "regions", "primaryRegion", "yugabyte", "kine", "k3s", "tls", "protectData", "docker", "kubernetes", "aws"];

/** Values a YAML stack file can produce, biased towards the shapes and strings the schema cares about. */
const plausible: fc.Arbitrary<unknown> = fc.oneof(
  fc.jsonValue({ maxDepth: 3 }),
  fc.constantFrom("docker", "kubernetes", "aws", "zone", "region", "none", "latest", "", "us-east-1", "us-east-1a", "10.0.0.0/16", "10.0.0.0/30", "::1", "127.0.0.1", "0.0.0.0", "a b", "-x", "127.300.0.1", "10.40.7.9/16", "not-a-cidr", "0", "0Gi", "--cluster-init", "--token=x", "m7g.large"),
  fc.integer({ min: -3, max: 70000 }),
  fc.constantFrom(0, 1, 2, 3, 4, 5, 7, 9, 17, 33, 1.5, -1, Number.MAX_SAFE_INTEGER),
  fc.boolean(),
  fc.constant(null),
);

type Path = (string | number)[];

/** Every path into a JSON value (objects and arrays). */
function paths(v: unknown, prefix: Path = []): Path[] {
  const out: Path[] = [prefix];
  if (Array.isArray(v)) v.forEach((x, i) => out.push(...paths(x, [...prefix, i])));
  else if (v && typeof v === "object") for (const [k, x] of Object.entries(v)) out.push(...paths(x, [...prefix, k]));
  return out;
}

type Mutation = { kind: "set" | "delete" | "add-key"; pick: number; value: unknown; key: string };

function mutate(base: unknown, muts: Mutation[]): unknown {
  const doc = JSON.parse(JSON.stringify(base));
  for (const m of muts) {
    const all = paths(doc).filter((p) => p.length > 0);
    if (all.length === 0) break;
    const p = all[m.pick % all.length];
    const parent = p.slice(0, -1).reduce<any>((o, k) => o[k], doc);
    const last = p[p.length - 1];
    if (m.kind === "set") parent[last] = m.value;
    else if (m.kind === "delete") {
      if (Array.isArray(parent)) parent.splice(Number(last), 1);
      else delete parent[last];
    } else {
      const target = parent[last];
      if (target && typeof target === "object" && !Array.isArray(target)) target[m.key] = m.value;
      else parent[last] = { [m.key]: m.value };
    }
  }
  return doc;
}

const mutation: fc.Arbitrary<Mutation> = fc.record({
  kind: fc.constantFrom("set", "set", "delete", "add-key"),
  pick: fc.nat(),
  value: plausible,
  key: fc.oneof(fc.constantFrom(...TOP_KEYS, "name", "zones", "nodesPerZone", "cidr", "replicas", "servers", "version", "enabled", "context", "hostPorts"), fc.string({ maxLength: 6 })),
});

describe("the loader never crashes", () => {
  it("on arbitrary values", () => {
    fc.assert(fc.property(fc.anything(), (raw) => void load(raw)), { numRuns: 400 });
  });

  it("on random objects with our keys", () => {
    const obj = fc.dictionary(fc.constantFrom(...TOP_KEYS, "zones", "Target", ""), plausible, { maxKeys: 8 });
    fc.assert(fc.property(obj, (raw) => void load(raw)), { numRuns: 400 });
  });

  it("on mutated valid configs (every target)", () => {
    fc.assert(
      fc.property(fc.constantFrom(...VALID), fc.array(mutation, { minLength: 1, maxLength: 4 }), (base, muts) => void load(mutate(base, muts))),
      { numRuns: 1500 },
    );
  });

  it("on structurally valid configs with random sizes (plan and analysis included)", () => {
    const zones = (prefix: string, n: number) => Array.from({ length: n }, (_, i) => `${prefix}${String.fromCharCode(97 + i)}`);
    const arb = fc.record({
      target: fc.constantFrom("docker", "kubernetes", "aws"),
      faultTolerance: fc.constantFrom("none", "zone", "region"),
      replicationFactor: fc.constantFrom(1, 3, 5, 7),
      regionCount: fc.integer({ min: 1, max: 5 }),
      zoneCount: fc.integer({ min: 1, max: 6 }),
      nodesPerZone: fc.integer({ min: 1, max: 4 }),
      kine: fc.integer({ min: 1, max: 5 }),
      k3s: fc.integer({ min: 1, max: 5 }),
    });
    const awsRegions = ["us-east-1", "us-west-2", "eu-west-1", "eu-central-1", "ap-south-1"];
    fc.assert(
      fc.property(arb, (a) => {
        const regions = Array.from({ length: a.regionCount }, (_, i) => {
          const name = a.target === "aws" ? awsRegions[i] : `r${i}`;
          return { name, zones: zones(a.target === "aws" ? name : `${name}-z`, a.zoneCount), nodesPerZone: a.nodesPerZone, ...(a.target === "aws" ? { cidr: `10.${i * 16}.0.0/16` } : {}) };
        });
        const raw = {
          target: a.target,
          faultTolerance: a.faultTolerance,
          replicationFactor: a.replicationFactor,
          regions,
          kine: { replicas: a.kine },
          k3s: { servers: a.k3s },
          ...(a.target === "kubernetes" ? { kubernetes: { context: "ctx" } } : {}),
        };
        if (load(raw) === "ok") {
          const r = analyzeFaultTolerance(buildPlan({ project: "p", stack: "s", topology: parseTopology(raw) }));
          // What the check guarantees: the requested failure kind never loses the datastore.
          if (a.faultTolerance !== "none") expect(r.datastoreSurvives[a.faultTolerance]).toBe(true);
          expect(r.scenarios.every((s) => s.reason.length > 0)).toBe(true);
        }
      }),
      { numRuns: 200 },
    );
  }, 60_000);
});

describe("valid configs round-trip", () => {
  it("parse(valid) == parse(JSON of parse(valid)) for mutated configs that still load", () => {
    let ok = 0;
    fc.assert(
      fc.property(fc.constantFrom(...VALID), fc.array(mutation, { maxLength: 2 }), (base, muts) => {
        const raw = mutate(base, muts);
        let parsed;
        try {
          parsed = parseTopology(raw as Record<string, unknown>);
        } catch (e) {
          if (e instanceof ConfigError) return;
          throw e;
        }
        ok++;
        expect(parseTopology(JSON.parse(JSON.stringify(parsed)))).toEqual(parsed);
      }),
      { numRuns: 800 },
    );
    expect(ok).toBeGreaterThan(50);
  });

  it("every shipped shape round-trips", () => {
    for (const raw of VALID) {
      const parsed = parseTopology(raw);
      expect(parseTopology(JSON.parse(JSON.stringify(parsed)))).toEqual(parsed);
    }
  });
});

describe("what the validator accepts, the planner can deploy", () => {
  it("docker: every published host port of a config that loads is a TCP port, and no two are equal", () => {
    const arb = fc.record({
      zones: fc.integer({ min: 1, max: 5 }),
      nodesPerZone: fc.integer({ min: 1, max: 4 }),
      servers: fc.integer({ min: 1, max: 5 }),
      publishDatabasePorts: fc.boolean(),
      hostPorts: fc.record({
        ysql: fc.oneof(fc.integer({ min: 1, max: 65535 }), fc.integer({ min: 65520, max: 65535 }), fc.integer({ min: 5420, max: 5440 })),
        yugabytedUi: fc.oneof(fc.integer({ min: 1, max: 65535 }), fc.integer({ min: 5420, max: 5440 })),
        masterUi: fc.integer({ min: 1, max: 65535 }),
        tserverUi: fc.integer({ min: 1, max: 65535 }),
        k3sApi: fc.oneof(fc.integer({ min: 1, max: 65535 }), fc.integer({ min: 5420, max: 5440 }), fc.integer({ min: 65530, max: 65535 })),
      }),
    });
    let loaded = 0;
    fc.assert(
      fc.property(arb, (a) => {
        const raw = {
          target: "docker",
          faultTolerance: "none",
          replicationFactor: 1,
          regions: [{ name: "dc1", zones: Array.from({ length: a.zones }, (_, i) => `zone-${i}`), nodesPerZone: a.nodesPerZone }],
          k3s: { servers: a.servers },
          docker: { hostPorts: a.hostPorts, publishDatabasePorts: a.publishDatabasePorts },
        };
        if (load(raw) !== "ok") return;
        loaded++;
        const plan = buildPlan({ project: "p", stack: "s", topology: parseTopology(raw) });
        const published = [
          ...(a.publishDatabasePorts ? plan.nodes.flatMap((n) => Object.values(n.hostPorts ?? {})) : []),
          ...plan.k3s.servers.map((s) => s.hostApiPort as number),
        ];
        for (const p of published) expect(p >= 1 && p <= 65535, `port ${p}`).toBe(true);
        expect(new Set(published).size).toBe(published.length);
      }),
      { numRuns: 400 },
    );
    expect(loaded).toBeGreaterThan(20);
  });
});

describe("the stack file reader never crashes", () => {
  const dir = mkdtempSync(join(tmpdir(), "yb-k3s-prop-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const yamlish = fc.stringMatching(/^[-a-z:&*!\[\]{}\n "',#|>0-9.]{0,200}$/);

  it("on arbitrary YAML-ish text: a StackFile or a ConfigError whose lines name the file", () => {
    let i = 0;
    fc.assert(
      fc.property(fc.oneof(yamlish, fc.string({ maxLength: 200 })), (text) => {
        const path = join(dir, `Pulumi.p${i++}.yaml`);
        writeFileSync(path, text);
        try {
          const f = readStackFile(path);
          expect(typeof f.config).toBe("object");
        } catch (e) {
          if (!(e instanceof ConfigError)) throw new Error(`non-ConfigError for ${JSON.stringify(text)}: ${(e as Error)?.stack ?? String(e)}`);
          for (const line of e.problems) expect(line.startsWith(`${path}: `)).toBe(true);
        }
      }),
      { numRuns: 300 },
    );
  });

  it("on whole stack configs with random namespaces: one line per problem, each starting with its key", () => {
    const key = fc.oneof(
      fc.constantFrom("yb-k3s:target", "yb-k3s:regions", "yb-k3:k3s", "aws:region", "kubernetes:context", "target", "", ":", "yb-k3s:"),
      fc.tuple(fc.stringMatching(/^[a-z-]{0,8}$/), fc.stringMatching(/^[a-zA-Z.]{0,8}$/)).map(([ns, k]) => `${ns}:${k}`),
    );
    fc.assert(
      fc.property(fc.dictionary(key, plausible, { maxKeys: 6 }), (config) => {
        try {
          parseStackConfig(config);
        } catch (e) {
          if (!(e instanceof ConfigError)) throw new Error(`non-ConfigError for ${JSON.stringify(config)}: ${(e as Error)?.stack ?? String(e)}`);
          for (const line of e.problems) expect(line).toMatch(/^[^ ]+: .+$/);
        }
      }),
      { numRuns: 400 },
    );
  });
});
