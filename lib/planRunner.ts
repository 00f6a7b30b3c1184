/**
 * Run the real program in-process under Pulumi mocks and record every resource registration the engine would see.
 * Stricter than the stock mock monitor where the real engine is strict: two resources with the same URN are an error.
 */
import * as pulumi from "@pulumi/pulumi";
import * as rpc from "@pulumi/pulumi/runtime/rpc";
import { resourceStates, callResults } from "./mocks";
import { mockId } from "./mocks/common";

export interface RecordedResource {
  readonly urn: string;
  readonly type: string;
  readonly name: string;
  /** URN of the parent resource, if any. */
  readonly parent?: string;
  /** Inputs fully resolved; secrets as "[secret]". */
  readonly inputs: Record<string, unknown>;
  /** Inputs as the provider receives them (secrets revealed): for policy evaluation only, never printed. */
  readonly revealedInputs: Record<string, unknown>;
  readonly custom: boolean;
  readonly protect: boolean;
  readonly retainOnDelete: boolean;
  /** Every resource this one waits for (explicit `dependsOn` and the resources its inputs come from). */
  readonly dependsOn: readonly string[];
  /** Per input property: the resources its value comes from (what the engine replaces dependents by). */
  readonly propertyDependencies: Readonly<Record<string, readonly string[]>>;
  readonly deleteBeforeReplace: boolean;
  readonly replaceOnChanges: readonly string[];
  readonly ignoreChanges: readonly string[];
  readonly provider?: string;
}

export interface ProgramRun {
  readonly resources: RecordedResource[];
  readonly outputs: Record<string, unknown>;
  /** What the mock engine answered per URN (the "state"), for a later run that continues from this one. */
  readonly states: ReadonlyMap<string, MockState>;
}

export interface MockState {
  /** The inputs the resource was created with (secrets revealed), as JSON. */
  readonly inputs: string;
  readonly id?: string;
  readonly state: Record<string, unknown>;
}

export class DuplicateUrnError extends Error {}

// The SDK's own wire-format markers (secrets, resource references, outputs, assets, unknowns).
const SIG = {
  key: rpc.specialSigKey,
  secret: rpc.specialSecretSig,
  resource: rpc.specialResourceSig,
  output: rpc.specialOutputValueSig,
  asset: rpc.specialAssetSig,
  archive: rpc.specialArchiveSig,
} as const;
export const SECRET = "[secret]";
const UNKNOWN = rpc.unknownValue;

/** Turn the wire form of inputs into plain JSON: secrets redacted, resource references as URNs. */
export function plainInputs(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(plainInputs);
  if (v === UNKNOWN) return "[unknown]";
  if (v && typeof v === "object") {
    const o = v as Record<string, unknown>;
    const sig = o[SIG.key];
    if (sig === SIG.secret) return SECRET;
    if (sig === SIG.resource) return o.urn;
    if (sig === SIG.output) return o.secret ? SECRET : "value" in o ? plainInputs(o.value) : "[unknown]";
    if (sig === SIG.asset || sig === SIG.archive) return { path: o.path, text: o.text, uri: o.uri };
    return Object.fromEntries(Object.entries(o).map(([k, x]) => [k, plainInputs(x)]));
  }
  return v;
}

/** Reveal values for the mock state (the provider would see plaintext). */
function revealed(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(revealed);
  if (v && typeof v === "object") {
    const o = v as Record<string, unknown>;
    if (o[SIG.key] === SIG.secret) return revealed(o.value);
    return Object.fromEntries(Object.entries(o).map(([k, x]) => [k, revealed(x)]));
  }
  return v;
}

async function resolveDeep(v: unknown, seen = new Set<unknown>()): Promise<unknown> {
  if (pulumi.Output.isInstance(v)) {
    const secret = await pulumi.isSecret(v as pulumi.Output<unknown>);
    const value = await new Promise<unknown>((r) => (v as pulumi.Output<unknown>).apply(r));
    return secret ? SECRET : resolveDeep(value, seen);
  }
  if (v instanceof Promise) return resolveDeep(await v, seen);
  if (Array.isArray(v)) return Promise.all(v.map((x) => resolveDeep(x, seen)));
  if (v && typeof v === "object" && !seen.has(v) && !pulumi.Resource.isInstance(v)) {
    seen.add(v);
    const entries = await Promise.all(Object.entries(v).map(async ([k, x]) => [k, await resolveDeep(x, seen)] as const));
    return Object.fromEntries(entries);
  }
  return v;
}

export interface RunOptions {
  readonly project: string;
  readonly stack: string;
  /** Pulumi config as in a stack file: `namespace:key` -> value (objects allowed). */
  readonly config: Readonly<Record<string, unknown>>;
  /** Runs the program and returns its outputs; called after the mocks are in place. */
  readonly program: () => Record<string, unknown> | Promise<Record<string, unknown>>;
  /**
   * A run this one continues from, the way `pulumi up` continues from the stack's state: a resource with the same URN
   * and the same inputs keeps its earlier outputs (generated keys, certificates, passwords) instead of new ones.
   */
  readonly previous?: ProgramRun;
}

// One run at a time: the Pulumi runtime's settings are process-global.
let queue: Promise<unknown> = Promise.resolve();

export function runUnderMocks(o: RunOptions): Promise<ProgramRun> {
  const run = queue.then(() => runOnce(o));
  queue = run.catch(() => undefined);
  return run;
}

async function runOnce(o: RunOptions): Promise<ProgramRun> {
  const resources: RecordedResource[] = [];
  const urns = new Set<string>();
  const states = new Map<string, MockState>();
  // The mock's newResource does not see the URN: the monitor wrapper queues it per type and name, in call order.
  const pendingUrns = new Map<string, string[]>();
  const errors: Error[] = [];

  await pulumi.runtime.setMocks(
    {
      newResource: (a) => {
        const state = resourceStates.get(a.type) ?? (a.type.startsWith("yb-k3s:") && !a.custom ? (i: Record<string, unknown>) => i : undefined);
        if (!state) throw new Error(`mock engine: unknown resource type ${a.type} (${a.name}); model it in lib/mocks`);
        const urn = pendingUrns.get(`${a.type}\0${a.name}`)?.shift();
        const inputs = revealed(a.inputs) as Record<string, unknown>;
        const key = JSON.stringify(inputs);
        const earlier = urn ? o.previous?.states.get(urn) : undefined;
        const result = earlier && earlier.inputs === key ? { id: earlier.id, state: earlier.state } : { id: a.custom ? mockId(a.type, a.name) : undefined, state: state(inputs, a.name) };
        if (urn) states.set(urn, { inputs: key, ...result });
        return result;
      },
      call: (a) => {
        const fn = callResults.get(a.token);
        if (!fn) throw new Error(`mock engine: unknown call ${a.token}; model it in lib/mocks`);
        return fn(a.inputs as Record<string, unknown>);
      },
    },
    o.project,
    o.stack,
    false,
  );
  pulumi.runtime.setAllConfig(
    Object.fromEntries(Object.entries(o.config).map(([k, v]) => [k, typeof v === "string" ? v : JSON.stringify(v)])),
  );

  // Wrap the mock monitor to see what the real engine sees: parent, options, duplicate URNs.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const settings = require("@pulumi/pulumi/runtime/settings") as { getMonitor(): unknown; waitForRPCs(): Promise<void> };
  type Req = {
    getType(): string; getName(): string; getParent(): string; getCustom(): boolean; getProtect(): boolean;
    getRetainondelete?(): boolean; getDependenciesList(): string[]; getProvider(): string; getObject(): { toJavaScript(): unknown };
    getDeletebeforereplace(): boolean; getReplaceonchangesList(): string[]; getIgnorechangesList(): string[];
    getPropertydependenciesMap(): { forEach(cb: (value: { getUrnsList(): string[] }, key: string) => void): void };
  };
  const monitor = settings.getMonitor() as {
    newUrn(parent: string, type: string, name: string): string;
    registerResource(req: Req, cb: (err: unknown, res?: unknown) => void): Promise<void>;
  };
  const original = monitor.registerResource.bind(monitor);
  // The SDK's mock monitor qualifies a child's type with its parent's LAST type only; the engine uses the parent's whole
  // qualified type chain (seen with the real engine in e2e/tests/dev-stack.test.ts). Record the engine's URNs: a map
  // from the mock's URN (what the SDK hands back as `parent`) to the engine's.
  const engineUrns = new Map<string, string>();
  const engineUrn = (parent: string, type: string, name: string): string => {
    const parentUrn = parent ? engineUrns.get(parent) ?? parent : "";
    const qualified = parentUrn ? `${parentUrn.split("::")[2]}$${type}` : type;
    return `urn:pulumi:${pulumi.getStack()}::${pulumi.getProject()}::${qualified}::${name}`;
  };
  // Resource references in inputs and provider references (`<urn>::<id>`) carry the mock's URNs too: map them.
  const toEngine = (v: unknown): unknown => {
    if (typeof v === "string") {
      const hit = engineUrns.get(v);
      if (hit) return hit;
      const at = v.lastIndexOf("::");
      const ref = at > 0 ? engineUrns.get(v.slice(0, at)) : undefined;
      return ref ? `${ref}${v.slice(at)}` : v;
    }
    if (Array.isArray(v)) return v.map(toEngine);
    if (v && typeof v === "object") return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, toEngine(x)]));
    return v;
  };
  monitor.registerResource = async (req, cb) => {
    const urn = engineUrn(req.getParent(), req.getType(), req.getName());
    engineUrns.set(monitor.newUrn(req.getParent(), req.getType(), req.getName()), urn);
    if (urns.has(urn)) {
      const err = new DuplicateUrnError(`duplicate URN ${urn}: two resources share type, name and parent chain (the engine rejects this)`);
      errors.push(err);
      cb(err);
      return;
    }
    urns.add(urn);
    const pendingKey = `${req.getType()}\0${req.getName()}`;
    pendingUrns.set(pendingKey, [...(pendingUrns.get(pendingKey) ?? []), urn]);
    const wire = req.getObject().toJavaScript();
    const propertyDependencies: Record<string, string[]> = {};
    req.getPropertydependenciesMap().forEach((deps, key) => {
      propertyDependencies[key] = deps.getUrnsList().map((u) => engineUrns.get(u) ?? u);
    });
    resources.push({
      urn,
      type: req.getType(),
      name: req.getName(),
      parent: req.getParent() ? engineUrns.get(req.getParent()) ?? req.getParent() : undefined,
      inputs: toEngine(plainInputs(wire)) as Record<string, unknown>,
      revealedInputs: toEngine(plainInputs(revealed(wire))) as Record<string, unknown>,
      custom: req.getCustom(),
      protect: Boolean(req.getProtect()),
      retainOnDelete: Boolean(req.getRetainondelete?.()),
      dependsOn: req.getDependenciesList().map((u) => engineUrns.get(u) ?? u),
      propertyDependencies,
      deleteBeforeReplace: Boolean(req.getDeletebeforereplace()),
      replaceOnChanges: req.getReplaceonchangesList(),
      ignoreChanges: req.getIgnorechangesList(),
      provider: (toEngine(req.getProvider()) as string) || undefined,
    });
    return original(req, (err, res) => {
      if (err) errors.push(err instanceof Error ? err : new Error(String(err)));
      cb(err, res);
    });
  };

  // A failed registration also rejects the resource's own output promises, which nobody awaits: they are the same
  // error we report below, so collect them instead of letting them surface as unhandled rejections.
  const onRejection = (reason: unknown) => errors.push(reason instanceof Error ? reason : new Error(String(reason)));
  process.on("unhandledRejection", onRejection);
  try {
    let resolved: Record<string, unknown> = {};
    try {
      const outputs = await o.program();
      resolved = (await resolveDeep(outputs)) as Record<string, unknown>;
    } catch (e) {
      errors.unshift(e instanceof Error ? e : new Error(String(e)));
    }
    await settings.waitForRPCs().catch((e: unknown) => errors.push(e instanceof Error ? e : new Error(String(e))));
    await new Promise((r) => setTimeout(r, 0));
    const registrationError = errors.find((e) => e instanceof DuplicateUrnError || /mock engine:/.test(e.message));
    if (errors.length) throw registrationError ?? errors[0];
    return { resources, outputs: resolved, states };
  } finally {
    process.off("unhandledRejection", onRejection);
  }
}
