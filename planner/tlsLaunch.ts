/** Launch lines for processes that need a secret file sourced first (pure). */

/** Single-quote a word for /bin/sh. */
const shq = (s: string): string => `'${s.replace(/'/g, `'\\''`)}'`;

/**
 * A bash script that exports the variables of `envFile` (a 0600 secret file) and then execs `binary args...`, the
 * arguments rendered verbatim, one quoted word each (what `pulumi preview` shows is exactly what runs).
 */
export function renderSecureLauncher(binary: string, args: readonly string[], envFile: string): string {
  return ["set -eu", "set -a", `. ${shq(envFile)}`, "set +a", `exec ${[binary, ...args].map(shq).join(" ")}`, ""].join("\n");
}
