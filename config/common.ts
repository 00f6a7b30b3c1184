/** Small zod building blocks shared by the config sections. */
import { z } from "zod";

/** A DNS label (RFC 1123): YugabyteDB's `--join` and Kubernetes names accept nothing else. */
export const dnsLabel = z
  .string()
  .regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/, "must be a DNS label: lower-case letters, digits and '-', starting and ending alphanumeric")
  .max(40, "must be at most 40 characters (names are prefixed and must stay within 63)");

export const port = z.number().int().min(1, "must be a TCP port 1-65535").max(65535, "must be a TCP port 1-65535");

export const loopbackAddress = z
  .string()
  .refine((a) => /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(a) || a === "::1", "must be a loopback address (127.0.0.0/8 or ::1): database and etcd ports are never published beyond this host");

export const cidr = z
  .string()
  .regex(/^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/, "must be an IPv4 CIDR such as 10.20.0.0/16")
  .refine((c) => {
    const [ip, len] = c.split("/");
    return ip.split(".").every((o) => Number(o) <= 255) && Number(len) <= 32;
  }, "must be an IPv4 CIDR with octets 0-255 and a prefix length 0-32");

export const flagValue = z.union([z.string().regex(/^[^\n"'`$\\]*$/, "must not contain quotes, backslashes, '$' or newlines"), z.number(), z.boolean()]);
