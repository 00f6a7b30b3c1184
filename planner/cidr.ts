/** Minimal IPv4 CIDR arithmetic for planning subnets and fixed private addresses (pure, no dependencies). */
export const ipToInt = (ip: string): number => ip.split(".").reduce((n, o) => n * 256 + Number(o), 0);
export const intToIp = (n: number): string => [24, 16, 8, 0].map((s) => Math.floor(n / 2 ** s) % 256).join(".");

export function parseCidr(cidr: string): { base: number; prefix: number; size: number } {
  const [ip, len] = cidr.split("/");
  const prefix = Number(len);
  const size = 2 ** (32 - prefix);
  const base = Math.floor(ipToInt(ip) / size) * size;
  return { base, prefix, size };
}

/** The `index`-th subnet of `cidr` with `newBits` more prefix bits (like Terraform's cidrsubnet). */
export function cidrSubnet(cidr: string, newBits: number, index: number): string {
  const { base, prefix } = parseCidr(cidr);
  const p = prefix + newBits;
  if (p > 32) throw new Error(`cannot split ${cidr} by ${newBits} bits`);
  if (index < 0 || index >= 2 ** newBits) throw new Error(`subnet index ${index} out of range for ${cidr} /${p}`);
  return `${intToIp(base + index * 2 ** (32 - p))}/${p}`;
}

/** The `offset`-th host address of a subnet. */
export function cidrHost(cidr: string, offset: number): string {
  const { base, size } = parseCidr(cidr);
  if (offset < 0 || offset >= size) throw new Error(`host ${offset} outside ${cidr}`);
  return intToIp(base + offset);
}

export function cidrsOverlap(a: string, b: string): boolean {
  const x = parseCidr(a);
  const y = parseCidr(b);
  return x.base < y.base + y.size && y.base < x.base + x.size;
}
