/**
 * Every kubectl command the operations commands run on the kubernetes target — rewind, restore, drill and verify's
 * backup age — checked against the real kubectl of the end-to-end suite (v1.36.3): each subcommand exists and takes
 * each flag it is given (`kubectl <subcommand> --help` and `kubectl options` list them). The commands are the ones the
 * pure renderers produce for the shipped `dev` stack, not copies. (The drill's and the dev stack's commands also run
 * for real against the test bed in drill.test.ts and dev-stack.test.ts; restore's and rewind's need pods that run.)
 */
import { execFileSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { renderDrill } from "../../lib/drill/steps";
import { loadOpsStack } from "../../lib/opsCli";
import { renderRestore } from "../../lib/restore/steps";
import { renderRewind } from "../../lib/rewind/steps";
import { e2eBinaries } from "../harness/binaries";

const SUBCOMMANDS = [["rollout", "status"], ["get"], ["scale"], ["wait"], ["patch"], ["run"], ["exec"], ["cp"], ["delete"], ["taint"]] as const;

/** [subcommand words, flag names] of one kubectl argv (flags before `--`; `--a=b` and `--a b` both give `--a`). */
export function kubectlShape(argv: readonly string[]): { sub: readonly string[]; flags: string[] } {
  const end = argv.indexOf("--") < 0 ? argv.length : argv.indexOf("--");
  const words = argv.slice(1, end);
  const sub = SUBCOMMANDS.find((s) => {
    const i = words.indexOf(s[0]);
    return i >= 0 && s.every((w, k) => words[i + k] === w);
  });
  if (!sub) throw new Error(`no known subcommand in ${argv.join(" ")}`);
  return { sub, flags: words.filter((w) => w.startsWith("-")).map((w) => w.split("=")[0]) };
}

describe("the operations commands' kubectl lines, against the real kubectl", () => {
  const kubectl = e2eBinaries({ engine: false }).kubectl;
  const stack = loadOpsStack("dev");
  if (!stack.ok) throw new Error(stack.message);
  const { plan, topology } = stack;
  const now = new Date();
  const lines = [
    ...renderRewind({ plan, topology, target: new Date(now.getTime() - 10 * 60_000), now }).steps,
    ...renderRestore({ plan, topology, from: "latest", workDir: "/tmp/x" }).steps,
    ...(() => {
      const d = renderDrill({ plan, topology, kind: "zone" });
      return [...d.stop, ...d.restore];
    })(),
  ]
    .flatMap((s) => s.actions as readonly { kind: string; argv?: readonly string[]; podsArgv?: readonly string[]; nodesArgv?: readonly string[]; deleteArgv?: readonly string[]; list?: { argv?: readonly string[] }; via?: { argv?: readonly string[] } }[])
    .flatMap((a) => [a.argv, a.podsArgv, a.nodesArgv, a.deleteArgv, a.list?.argv, a.via?.argv])
    .filter((x): x is readonly string[] => x !== undefined && x[0] === "kubectl");
  const help = new Map<string, string>();
  const options = execFileSync(kubectl, ["options"], { encoding: "utf8" });

  it("renders a kubectl line for every subcommand the renderers use", () => {
    const used = new Set(lines.map((l) => kubectlShape(l).sub.join(" ")));
    expect([...used].sort()).toEqual(["cp", "delete", "exec", "get", "patch", "rollout status", "run", "scale", "taint", "wait"]);
  });

  it("every flag is one the subcommand or kubectl itself takes", () => {
    for (const l of lines) {
      const { sub, flags } = kubectlShape(l);
      const key = sub.join(" ");
      if (!help.has(key)) help.set(key, execFileSync(kubectl, [...sub, "--help"], { encoding: "utf8" }));
      const text = `${help.get(key)}\n${options}`;
      for (const f of flags) {
        const known = f.startsWith("--") ? text.includes(`${f}=`) || text.includes(`${f}:`) : new RegExp(`(^|\\s)${f}, --`, "m").test(text);
        expect(known, `kubectl ${key} ${f} (in: ${l.join(" ")})`).toBe(true);
      }
    }
    // The check can fail: a flag kubectl does not have is caught.
    const { sub } = kubectlShape(["kubectl", "delete", "pod", "--bogus-flag"]);
    expect(execFileSync(kubectl, [...sub, "--help"], { encoding: "utf8" }).includes("--bogus-flag=")).toBe(false);
  });
});
