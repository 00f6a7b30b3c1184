/**
 * Long-running processes of the test bed (kube-apiserver, controllers, kwok): spawned with captured logs, stopped on
 * `stop()` (SIGTERM, then SIGKILL after a bound) and, as a last resort, when the Node process exits.
 */
import { spawn, type ChildProcess } from "node:child_process";
import * as fs from "node:fs";

const live = new Set<ChildProcess>();
let hooked = false;
function hookExit(): void {
  if (hooked) return;
  hooked = true;
  process.on("exit", () => {
    for (const c of live) c.kill("SIGKILL");
  });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export interface Daemon {
  readonly name: string;
  readonly logFile: string;
  exited(): boolean;
  /** The last `lines` lines of the log (for failure messages). */
  tail(lines?: number): string;
  stop(): Promise<void>;
}

export function startDaemon(name: string, file: string, args: readonly string[], logFile: string, env: NodeJS.ProcessEnv = {}): Daemon {
  hookExit();
  const out = fs.openSync(logFile, "a");
  const child = spawn(file, args, { stdio: ["ignore", out, out], env: { ...process.env, ...env } });
  fs.closeSync(out);
  live.add(child);
  let done = false;
  const exit = new Promise<void>((resolve) =>
    child.once("exit", (code, signal) => {
      done = true;
      live.delete(child);
      fs.appendFileSync(logFile, `\n[${name} exited code=${code} signal=${signal}]\n`);
      resolve();
    }),
  );
  child.once("error", (e) => fs.appendFileSync(logFile, `\n[${name} spawn error: ${e.message}]\n`));
  return {
    name,
    logFile,
    exited: () => done,
    tail: (lines = 30) => fs.readFileSync(logFile, "utf8").split("\n").slice(-lines).join("\n"),
    stop: async () => {
      if (done) return;
      child.kill("SIGTERM");
      await Promise.race([exit, sleep(10_000)]);
      if (!done) {
        child.kill("SIGKILL");
        await Promise.race([exit, sleep(5_000)]);
      }
    },
  };
}

/** Poll `check` until it returns true; throws with `describe()` after `timeoutMs`. */
export async function waitFor(what: string, check: () => Promise<boolean> | boolean, timeoutMs: number, describe: () => string = () => ""): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let lastError = "";
  while (Date.now() < deadline) {
    try {
      if (await check()) return;
    } catch (e) {
      lastError = e instanceof Error ? e.message : String(e);
    }
    await sleep(250);
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${lastError ? ` (last error: ${lastError})` : ""}\n${describe()}`);
}
