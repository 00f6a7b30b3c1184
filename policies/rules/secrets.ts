import { flagValues, splitShell, UNKNOWN, workloadOf } from "../extract";
import type { ResourceRule } from "../types";

/** Env/assignment names that carry credentials (a `_FILE`/`_PATH` suffix points at a file instead). */
export const SECRET_NAME = /(PASSWORD|PASSWD|PASSPHRASE|TOKEN|SECRET|PRIVATE_KEY|API_KEY|ACCESS_KEY)(?!.*_(FILE|PATH|DIR)$)/i;
/** scheme://user:password@ with a literal password. */
const DSN = /\b([a-z][a-z0-9+.-]*):\/\/([^:@/\s"'$]+):([^@/\s"']+)@/gi;
const SECRET_FLAGS = ["--token", "--agent-token"];

/** A value typed into the program rather than fetched at run time ($VAR, $(cmd), a Secret reference). */
export const isLiteral = (v: string | undefined): boolean =>
  !!v && !v.startsWith("$") && v !== UNKNOWN && !/%[-+ 0#]*\d*[sbdq]/.test(v); // a printf format fills in a fetched value

/** A regular expression or template describing a DSN (e.g. `([^:]+):([^@]+)@` in a parser), not a credential. */
const PATTERN = /[[\](){}*+?^|\\<>]/;

function dsnFindings(text: string, where: string): string[] {
  const out: string[] = [];
  // Comment lines document the shape of a DSN; they cannot leak one.
  const code = text
    .split("\n")
    .filter((l) => !/^\s*#/.test(l))
    .join("\n");
  for (const m of code.matchAll(DSN)) {
    if (!isLiteral(m[3]) || PATTERN.test(m[2]) || PATTERN.test(m[3])) continue;
    out.push(
      `${where} contains a ${m[1]}:// URL with a literal password for user "${m[2]}"; read the DSN from a Secret ` +
        `(Kubernetes secretKeyRef, AWS Secrets Manager/SSM at boot) instead of writing it into the launch.`,
    );
  }
  return out;
}

function tokenFindings(tokens: readonly string[], where: string): string[] {
  const out: string[] = [];
  for (const flag of SECRET_FLAGS)
    for (const v of flagValues(tokens, flag))
      if (isLiteral(v))
        out.push(`${where} passes ${flag} with a literal value; use ${flag}-file (or fetch it from a secret store at boot).`);
  for (const t of tokens) {
    const m = /^([A-Za-z_][A-Za-z0-9_]*)=(.*)$/s.exec(t);
    if (m && SECRET_NAME.test(m[1]) && isLiteral(m[2]))
      out.push(`${where} sets ${m[1]} to a literal value; fetch it at boot from a secret store (e.g. $(aws secretsmanager get-secret-value ...)).`);
  }
  return out;
}

/** No credential in plain user data, container env or launch arguments. */
export const noPlaintextSecretsRule: ResourceRule = {
  kind: "resource",
  name: "no-plaintext-secrets",
  description:
    "No password/token/secret as a literal in container env (use secretKeyRef), launch arguments or EC2 user data (no --token <value>, K3S_TOKEN=<value>, user:pass@ DSNs).",
  check(r) {
    const w = workloadOf(r);
    if (!w) return [];
    const out: string[] = [];
    for (const c of w.containers) {
      const cname = c.name ? `container ${c.name}` : "container";
      for (const e of c.envEntries) {
        if (e.fromSecret || !SECRET_NAME.test(e.name) || !isLiteral(e.value)) continue;
        out.push(
          `${cname}: env ${e.name} has a literal value; ${w.source === "pod" ? "use valueFrom.secretKeyRef" : "mount it as a file (*_FILE) or inject it at run time"} ` +
            `so it is not readable from the ${w.source === "pod" ? "pod spec" : "container config"}.`,
        );
      }
      for (const a of c.argv) out.push(...dsnFindings(a, `${cname} command`));
      out.push(...tokenFindings(c.argv, `${cname} command`));
      for (const e of c.envEntries) if (e.value && !e.fromSecret) out.push(...dsnFindings(e.value, `${cname} env ${e.name}`));
    }
    const label = w.source === "ec2" ? "user data" : "script";
    for (const s of w.scripts) {
      out.push(...dsnFindings(s, label));
      out.push(...tokenFindings(splitShell(s).flat(), label));
    }
    return [...new Set(out)];
  },
};
