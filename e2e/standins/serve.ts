/**
 * ############################################################################################################
 * #  STAND-IN provider plugins (e2e only): NOT the upstream pulumi-resource-random / pulumi-resource-tls.     #
 * #  Entry point of e2e/standins/bin/pulumi-resource-{random,tls}: `serve.ts <random|tls> <engine args...>`.  #
 * #  The Node SDK's provider host (provider.main) binds 127.0.0.1:0 and prints the port as the one and only   #
 * #  line on stdout (the engine's plugin handshake); everything else this process says goes to stderr.        #
 * ############################################################################################################
 */
import { main } from "@pulumi/pulumi/provider";
import { randomProvider } from "./random";
import { tlsProvider } from "./tls";
import type { StandinProvider } from "./wire";

export const STANDINS: Readonly<Record<string, StandinProvider>> = { random: randomProvider, tls: tlsProvider };

if (require.main === module) {
  // stdout is the handshake channel: the port line provider.main prints goes there, any other console output to stderr.
  const stdout = console.log.bind(console);
  let handshake = false;
  console.log = (...a: unknown[]) => {
    if (!handshake && a.length === 1 && /^\d+$/.test(String(a[0]))) {
      handshake = true;
      stdout(...a);
    } else console.error(...a);
  };
  console.info = console.error.bind(console);
  const [name, ...args] = process.argv.slice(2);
  const provider = STANDINS[name ?? ""];
  if (!provider) {
    process.stderr.write(`usage: serve.ts <${Object.keys(STANDINS).join("|")}> [engine address]\n`);
    process.exit(2);
  }
  process.stderr.write(`pulumi-resource-${name}: STAND-IN provider ${provider.version} (e2e/standins, not the upstream plugin)\n`);
  main(provider, args).catch((e: unknown) => {
    process.stderr.write(`pulumi-resource-${name}: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
    process.exit(1);
  });
}
