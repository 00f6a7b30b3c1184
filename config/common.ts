/** Small zod building blocks shared by the config sections. */
import { isIPv6 } from "node:net";
import { z } from "zod";
import { intToIp, parseCidr } from "../planner/cidr";

/** A DNS label (RFC 1123): YugabyteDB's `--join` and Kubernetes names accept nothing else. */
export const dnsLabel = z
  .string()
  .regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/, "must be a DNS label: lower-case letters, digits and '-', starting and ending alphanumeric")
  .max(40, "must be at most 40 characters (names are prefixed and must stay within 63)");

export const port = z.number().int().min(1, "must be a TCP port 1-65535").max(65535, "must be a TCP port 1-65535");

/** One IPv4 octet as Docker (Go's net.ParseIP) reads it: 0-255, no leading zeros. */
const OCTET = "(?:25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)";
const IPV4 = new RegExp(`^${OCTET}\\.${OCTET}\\.${OCTET}\\.${OCTET}$`);
export const isIpv4 = (a: string): boolean => IPV4.test(a);

export const loopbackAddress = z
  .string()
  .refine((a) => (isIpv4(a) && a.startsWith("127.")) || a === "::1", "must be a loopback address (127.0.0.0/8, octets 0-255, or ::1): database and etcd ports are never published beyond this host");

/** The canonical form of an IPv4 CIDR whose parts are valid (what a CIDR with host bits meant). */
function ipv4Network(c: string): string {
  const { base, prefix } = parseCidr(c);
  return `${intToIp(base)}/${prefix}`;
}

const hostBitsMessage = (c: string): string => `has host bits set; the network is ${ipv4Network(c)} (write that, or /32 for one address)`;

/** An IPv4 CIDR in canonical form: octets 0-255, prefix 0-32, no host bits (10.40.7.9/16 is a mistake for 10.40.0.0/16). */
export const cidr = z
  .string()
  .superRefine((c, ctx) => {
    const m = /^([^/]+)\/(\d{1,2})$/.exec(c);
    if (!m || !isIpv4(m[1]) || Number(m[2]) > 32) {
      ctx.addIssue({ code: "custom", message: "must be an IPv4 CIDR such as 10.20.0.0/16 (octets 0-255, prefix length 0-32)" });
      return;
    }
    if (ipv4Network(c) !== c) ctx.addIssue({ code: "custom", message: hostBitsMessage(c) });
  });

/** An IPv4 CIDR as above, or an IPv6 one (address and prefix 0-128; Kubernetes takes either as a source range). */
export const ipCidr = z.string().superRefine((c, ctx) => {
  const m = /^([^/]+)\/(\d{1,3})$/.exec(c);
  if (m && m[1].includes(":")) {
    if (!isIPv6(m[1]) || Number(m[2]) > 128) ctx.addIssue({ code: "custom", message: "must be a CIDR such as 10.20.0.0/16 or 2001:db8::/32 (IPv6 prefix length 0-128)" });
    return;
  }
  if (!m || !isIpv4(m[1]) || Number(m[2]) > 32) {
    ctx.addIssue({ code: "custom", message: "must be a CIDR such as 10.20.0.0/16 or 2001:db8::/32" });
    return;
  }
  if (ipv4Network(c) !== c) ctx.addIssue({ code: "custom", message: hostBitsMessage(c) });
});

/** A string that must say something: '' is never a value, and it often means something else than "unset". */
export const nonEmpty = (what: string) => z.string().min(1, `must not be empty (${what})`);

export const flagValue = z.union([z.string().regex(/^[^\n"'`$\\{}]*$/, "must not contain quotes, backslashes, braces, '$' or newlines"), z.number(), z.boolean()]);
