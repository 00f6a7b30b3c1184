/** lib/opsCli.ts: the flag grammar, stack loading and real-data refusal that rewind, restore and drill share. */
import { describe, expect, it } from "vitest";
import { checkStackAndConfirm, loadOpsStack, realDataRefusal, scanFlags, type FlagGrammar } from "../../lib/opsCli";

class Usage extends Error {}
const g: FlagGrammar = { valued: ["--stack", "--to", "--confirm"], booleans: ["--execute"], usage: "usage: x", error: (m) => new Usage(m) };

describe("the operations commands' shared command line", () => {
  it("takes --flag value, --flag=value and -s; refuses repeats, empty values and unknown arguments", () => {
    expect(scanFlags(["-s", "dev", "--to=5 minutes ago", "--execute"], g)).toEqual({ values: { "--stack": "dev", "--to": "5 minutes ago" }, set: new Set(["--execute"]) });
    expect(() => scanFlags(["--stack", "a", "--stack", "b"], g)).toThrow(/--stack given twice/);
    expect(() => scanFlags(["--to="], g)).toThrow(/--to needs a value/);
    expect(() => scanFlags(["--to"], g)).toThrow(/--to needs a value/);
    expect(() => scanFlags(["--bogus"], g)).toThrow(/unknown argument --bogus\nusage: x/);
    expect(() => scanFlags(["--help"], g)).toThrow(new Usage("usage: x"));
  });

  it("needs a stack name, and --confirm only with --execute, naming that stack", () => {
    const check = (argv: string[]) => checkStackAndConfirm(scanFlags(argv, g), g, "rewound");
    expect(check(["--stack", "prod", "--execute", "--confirm", "prod"])).toBe("prod");
    expect(() => check([])).toThrow(/--stack is required/);
    expect(() => check(["--stack", "a b"])).toThrow(/invalid stack name 'a b'/);
    expect(() => check(["--stack", "prod", "--confirm", "prod"])).toThrow(/only applies with --execute/);
    expect(() => check(["--stack", "prod", "--execute", "--confirm", "dev"])).toThrow(/--confirm dev does not name the stack being rewound \('prod'\)/);
  });

  it("loads a shipped stack with its data policy, and names the stacks when one does not exist", () => {
    const prod = loadOpsStack("prod");
    expect(prod.ok && [prod.plan.stack, prod.plan.target, prod.holdsRealData]).toEqual(["prod", "aws", true]);
    expect(loadOpsStack("Prod")).toEqual({ ok: false, code: 2, message: "no stack file stacks/Pulumi.Prod.yaml: the stacks are dev, local, prod, staging" });
  });

  it("refuses --execute on a stack holding real data unless --confirm names it", () => {
    const prod = loadOpsStack("prod");
    const local = loadOpsStack("local");
    if (!prod.ok || !local.ok) throw new Error("shipped stacks must load");
    expect(realDataRefusal(prod, { execute: true }, "restore it")).toBe("refusing: stack prod holds real data (policies/config/prod.json); pass --confirm prod to restore it");
    expect(realDataRefusal(prod, { execute: true, confirm: "prod" }, "restore it")).toBeUndefined();
    expect(realDataRefusal(prod, { execute: false }, "restore it")).toBeUndefined();
    expect(realDataRefusal(local, { execute: true }, "restore it")).toBeUndefined();
  });
});
