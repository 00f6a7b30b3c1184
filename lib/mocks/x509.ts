/**
 * Just enough X.509 for the mocks to answer @pulumi/tls with REAL keys, certificate requests and certificates, so tests
 * can verify chains and SANs with node:crypto. Node can generate keys, sign and parse certificates but not build them;
 * this file builds the DER (RFC 5280 certificates, RFC 2986 requests) by hand. Test support only: no dependency added.
 * The e2e stand-in tls provider (e2e/standins/tls.ts) issues with it too, passing IssueOptions (random serials, Go's
 * key-identifier rules); without them the output is what the mocks have always produced.
 */
import { createECDH, createHash, createPrivateKey, createPublicKey, generateKeyPairSync, sign, type KeyObject } from "node:crypto";
import { mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { isIP } from "node:net";
import { join, resolve } from "node:path";

// ---------------------------------------------------------------------------------------------------------------
// DER writer

const len = (n: number): Buffer => {
  if (n < 0x80) return Buffer.from([n]);
  const bytes: number[] = [];
  for (let v = n; v > 0; v >>= 8) bytes.unshift(v & 0xff);
  return Buffer.from([0x80 | bytes.length, ...bytes]);
};
export const tlv = (tag: number, ...content: Buffer[]): Buffer => {
  const body = Buffer.concat(content);
  return Buffer.concat([Buffer.from([tag]), len(body.length), body]);
};
const seq = (...c: Buffer[]) => tlv(0x30, ...c);
const set = (...c: Buffer[]) => tlv(0x31, ...c);
const bool = (v: boolean) => tlv(0x01, Buffer.from([v ? 0xff : 0]));
const nul = () => Buffer.from([0x05, 0x00]);
const octets = (b: Buffer) => tlv(0x04, b);
const bits = (b: Buffer, unused = 0) => tlv(0x03, Buffer.from([unused]), b);
const utf8 = (s: string) => tlv(0x0c, Buffer.from(s, "utf8"));
const explicit = (n: number, c: Buffer) => tlv(0xa0 + n, c);

function integer(b: Buffer): Buffer {
  let i = 0;
  while (i < b.length - 1 && b[i] === 0) i++;
  const v = b.subarray(i);
  return tlv(0x02, v[0] & 0x80 ? Buffer.concat([Buffer.from([0]), v]) : v);
}
const smallInt = (n: number) => integer(Buffer.from([n]));

function oid(dotted: string): Buffer {
  const parts = dotted.split(".").map(Number);
  const out = [40 * parts[0] + parts[1]];
  for (const p of parts.slice(2)) {
    const stack = [p & 0x7f];
    for (let v = p >>> 7; v > 0; v >>>= 7) stack.unshift(0x80 | (v & 0x7f));
    out.push(...stack);
  }
  return tlv(0x06, Buffer.from(out));
}

function time(d: Date): Buffer {
  const iso = d.toISOString().replace(/[-:T]/g, "").slice(0, 14) + "Z"; // YYYYMMDDHHMMSSZ
  const y = d.getUTCFullYear();
  return y >= 1950 && y < 2050 ? tlv(0x17, Buffer.from(iso.slice(2))) : tlv(0x18, Buffer.from(iso));
}

const OID = {
  cn: "2.5.4.3",
  o: "2.5.4.10",
  ou: "2.5.4.11",
  c: "2.5.4.6",
  basicConstraints: "2.5.29.19",
  keyUsage: "2.5.29.15",
  extKeyUsage: "2.5.29.37",
  subjectAltName: "2.5.29.17",
  subjectKeyId: "2.5.29.14",
  authorityKeyId: "2.5.29.35",
  st: "2.5.4.8",
  l: "2.5.4.7",
  street: "2.5.4.9",
  postalCode: "2.5.4.17",
  serialNumber: "2.5.4.5",
  extensionRequest: "1.2.840.113549.1.9.14",
  ecdsaSha256: "1.2.840.10045.4.3.2",
  ecdsaSha384: "1.2.840.10045.4.3.3",
  ecdsaSha512: "1.2.840.10045.4.3.4",
  rsaSha256: "1.2.840.113549.1.1.11",
  ed25519: "1.3.101.112",
  serverAuth: "1.3.6.1.5.5.7.3.1",
  clientAuth: "1.3.6.1.5.5.7.3.2",
} as const;

/** The tls provider's `subject` block (every field optional). */
export interface Subject {
  readonly commonName?: string;
  readonly organization?: string;
  readonly organizationalUnit?: string;
  readonly country?: string;
  readonly province?: string;
  readonly locality?: string;
  readonly streetAddresses?: readonly string[];
  readonly postalCode?: string;
  readonly serialNumber?: string;
}

/** A distinguished name, attributes in the order Go's pkix.Name writes them (C, ST, L, STREET, PC, O, OU, CN, SERIALNUMBER). */
function name(s: Subject = {}): Buffer {
  const rdns: Buffer[] = [];
  const add = (o: string, v?: string) => v && rdns.push(set(seq(oid(o), utf8(v))));
  add(OID.c, s.country);
  add(OID.st, s.province);
  add(OID.l, s.locality);
  for (const street of s.streetAddresses ?? []) add(OID.street, street);
  add(OID.postalCode, s.postalCode);
  add(OID.o, s.organization);
  add(OID.ou, s.organizationalUnit);
  add(OID.cn, s.commonName);
  add(OID.serialNumber, s.serialNumber);
  return seq(...rdns);
}

const extension = (id: string, critical: boolean, value: Buffer) => seq(oid(id), ...(critical ? [bool(true)] : []), octets(value));

/** RFC 5280 4.2.1.6: with an empty subject the SAN extension is critical (as Go writes it). */
const EMPTY_NAME = seq();

function sanExtension(dnsNames: readonly string[] = [], ips: readonly string[] = [], uris: readonly string[] = [], subject?: Buffer): Buffer | undefined {
  if (!dnsNames.length && !ips.length && !uris.length) return undefined;
  const general = [
    ...dnsNames.map((d) => tlv(0x82, Buffer.from(d, "ascii"))),
    ...ips.map((ip) => tlv(0x87, ipBytes(ip))),
    ...uris.map((u) => tlv(0x86, Buffer.from(u, "ascii"))),
  ];
  return extension(OID.subjectAltName, subject !== undefined && subject.equals(EMPTY_NAME), seq(...general));
}

function ipBytes(ip: string): Buffer {
  if (isIP(ip) === 4) return Buffer.from(ip.split(".").map(Number));
  if (isIP(ip) === 6) {
    const [head, tail = ""] = ip.split("::");
    const h = head ? head.split(":") : [];
    const t = tail ? tail.split(":") : [];
    const groups = ip.includes("::") ? [...h, ...Array(8 - h.length - t.length).fill("0"), ...t] : h;
    return Buffer.from(groups.flatMap((g) => [(parseInt(g, 16) >> 8) & 0xff, parseInt(g, 16) & 0xff]));
  }
  throw new Error(`x509 mock: not an IP address: ${ip}`);
}

/** @pulumi/tls allowed_uses -> keyUsage bits (RFC 5280 order) and extended key usages (the provider's full list). */
const KEY_USAGE_BITS: Record<string, number> = {
  digital_signature: 0,
  content_commitment: 1,
  key_encipherment: 2,
  data_encipherment: 3,
  key_agreement: 4,
  cert_signing: 5,
  crl_signing: 6,
  encipher_only: 7,
  decipher_only: 8,
};
const EXT_USAGE: Record<string, string> = {
  any_extended: "2.5.29.37.0",
  server_auth: OID.serverAuth,
  client_auth: OID.clientAuth,
  code_signing: "1.3.6.1.5.5.7.3.3",
  email_protection: "1.3.6.1.5.5.7.3.4",
  ipsec_end_system: "1.3.6.1.5.5.7.3.5",
  ipsec_tunnel: "1.3.6.1.5.5.7.3.6",
  ipsec_user: "1.3.6.1.5.5.7.3.7",
  timestamping: "1.3.6.1.5.5.7.3.8",
  ocsp_signing: "1.3.6.1.5.5.7.3.9",
  microsoft_server_gated_crypto: "1.3.6.1.4.1.311.10.3.3",
  netscape_server_gated_crypto: "2.16.840.1.113730.4.1",
  microsoft_commercial_code_signing: "1.3.6.1.4.1.311.2.1.22",
  microsoft_kernel_code_signing: "1.3.6.1.4.1.311.61.1.1",
};
/** Every `allowedUses` value the tls provider accepts. */
export const ALLOWED_USES: readonly string[] = [...Object.keys(KEY_USAGE_BITS), ...Object.keys(EXT_USAGE)].sort();

function usageExtensions(uses: readonly string[]): Buffer[] {
  const out: Buffer[] = [];
  const set = uses.map((u) => KEY_USAGE_BITS[u]).filter((b) => b !== undefined);
  if (set.length) {
    const v = Buffer.alloc(2);
    for (const b of set) v[b >> 3] |= 0x80 >> (b & 7);
    const last = Math.max(...set);
    const used = v.subarray(0, (last >> 3) + 1);
    out.push(extension(OID.keyUsage, true, bits(used, 7 - (last & 7))));
  }
  const ext = uses.map((u) => EXT_USAGE[u]).filter(Boolean);
  if (ext.length) out.push(extension(OID.extKeyUsage, false, seq(...ext.map(oid))));
  return out;
}

// ---------------------------------------------------------------------------------------------------------------
// DER reader (only what the mocks need: walk TLVs and keep raw bytes)

interface Node {
  readonly tag: number;
  /** The whole TLV. */
  readonly raw: Buffer;
  /** The value bytes. */
  readonly value: Buffer;
}

function readOne(buf: Buffer, at: number): Node {
  const tag = buf[at];
  let l = buf[at + 1];
  let hdr = 2;
  if (l & 0x80) {
    const n = l & 0x7f;
    l = 0;
    for (let i = 0; i < n; i++) l = (l << 8) | buf[at + 2 + i];
    hdr += n;
  }
  return { tag, raw: buf.subarray(at, at + hdr + l), value: buf.subarray(at + hdr, at + hdr + l) };
}
export const children = (b: Buffer): Node[] => {
  const out: Node[] = [];
  for (let at = 0; at < b.length; ) {
    const n = readOne(b, at);
    out.push(n);
    at += n.raw.length;
  }
  return out;
};
const root = (der: Buffer): Node => readOne(der, 0);

// ---------------------------------------------------------------------------------------------------------------
// PEM and keys

export const pemToDer = (pem: string): Buffer => Buffer.from(pem.replace(/-----[^-]+-----/g, "").replace(/\s+/g, ""), "base64");
export const derToPem = (kind: string, der: Buffer): string =>
  `-----BEGIN ${kind}-----\n${der.toString("base64").match(/.{1,64}/g)?.join("\n")}\n-----END ${kind}-----\n`;

export interface MockKey {
  readonly privateKeyPem: string;
  readonly privateKeyPemPkcs8: string;
  readonly publicKeyPem: string;
}

const keyCache = new Map<string, MockKey>();

/** Where generated RSA mock keys are kept between runs (node_modules is wiped by `npm ci`, and so is this). */
export const MOCK_KEY_DIR = process.env.YB_K3S_MOCK_KEY_CACHE ?? resolve(__dirname, "..", "..", "node_modules", ".cache", "yb-k3s-mock-keys");

/**
 * RSA cannot be derived from a seed with node:crypto, and generating a 2048-bit key costs ~50 ms (14 of them in the
 * prod stack): generate it once per seed and size, keep it in MOCK_KEY_DIR, so it is stable across runs like the ECDSA
 * keys. Mock keys only: nothing outside the mocks ever reads this directory.
 */
function rsaKey(seed: string, bits: number): KeyObject {
  const file = join(MOCK_KEY_DIR, `rsa-${bits}-${createHash("sha256").update(seed).digest("hex").slice(0, 32)}.pem`);
  try {
    const key = createPrivateKey(readFileSync(file, "utf8"));
    if (key.asymmetricKeyType === "rsa" && key.asymmetricKeyDetails?.modulusLength === bits) return key;
  } catch {
    // not generated yet (or unreadable): make a new one
  }
  const key = generateKeyPairSync("rsa", { modulusLength: bits }).privateKey;
  try {
    mkdirSync(MOCK_KEY_DIR, { recursive: true, mode: 0o700 });
    const tmp = `${file}.${process.pid}.tmp`;
    writeFileSync(tmp, key.export({ type: "pkcs8", format: "pem" }) as string, { mode: 0o600 });
    renameSync(tmp, file); // atomic: test files run in parallel processes
  } catch {
    // a read-only tree still works, only without reuse
  }
  return key;
}

/**
 * A real key pair, like tls.PrivateKey: ECDSA keys are derived from the seed (stable across runs), RSA keys are
 * generated once per seed and size and kept (stable across runs too, see rsaKey). PEM formats as the provider writes
 * them (SEC1 / PKCS#1, plus PKCS#8).
 */
export function mockKey(seed: string, algorithm = "RSA", opts: { ecdsaCurve?: string; rsaBits?: number } = {}): MockKey {
  const cacheKey = `${algorithm}:${opts.ecdsaCurve ?? ""}:${opts.rsaBits ?? ""}:${seed}`;
  const hit = keyCache.get(cacheKey);
  if (hit) return hit;
  let key: KeyObject;
  let format: "sec1" | "pkcs1" | "pkcs8";
  if (algorithm === "ECDSA") {
    const curve = { P224: ["secp224r1", "P-224"], P256: ["prime256v1", "P-256"], P384: ["secp384r1", "P-384"], P521: ["secp521r1", "P-521"] }[opts.ecdsaCurve ?? "P224"];
    if (!curve) throw new Error(`x509 mock: unsupported curve ${opts.ecdsaCurve}`);
    const size = { "P-224": 28, "P-256": 32, "P-384": 48, "P-521": 66 }[curve[1]] as number;
    let d = createHash("sha512").update(`yb-k3s mock key ${seed}`).digest().subarray(0, size);
    if (curve[1] === "P-521") d[0] &= 0x01;
    d = Buffer.from(d);
    d[0] &= 0x7f; // below the group order for every supported curve
    const ecdh = createECDH(curve[0]);
    ecdh.setPrivateKey(d);
    const pub = ecdh.getPublicKey();
    const half = (pub.length - 1) / 2;
    const b64 = (b: Buffer) => b.toString("base64url");
    key = createPrivateKey({ key: { kty: "EC", crv: curve[1], d: b64(d), x: b64(pub.subarray(1, 1 + half)), y: b64(pub.subarray(1 + half)) }, format: "jwk" });
    format = "sec1";
  } else if (algorithm === "RSA") {
    key = rsaKey(seed, opts.rsaBits ?? 2048);
    format = "pkcs1";
  } else if (algorithm === "ED25519") {
    key = generateKeyPairSync("ed25519").privateKey;
    format = "pkcs8";
  } else {
    throw new Error(`x509 mock: unsupported key algorithm ${algorithm}`);
  }
  const out: MockKey = {
    privateKeyPem: key.export({ type: format, format: "pem" }) as string,
    privateKeyPemPkcs8: key.export({ type: "pkcs8", format: "pem" }) as string,
    publicKeyPem: createPublicKey(key).export({ type: "spki", format: "pem" }) as string,
  };
  keyCache.set(cacheKey, out);
  return out;
}

function signatureAlgorithm(key: KeyObject): { alg: Buffer; digest: string | null } {
  switch (key.asymmetricKeyType) {
    case "ec": {
      // Go's crypto/x509 choice: SHA-384 for P-384, SHA-512 for P-521, SHA-256 otherwise.
      const curve = key.asymmetricKeyDetails?.namedCurve;
      if (curve === "secp384r1") return { alg: seq(oid(OID.ecdsaSha384)), digest: "sha384" };
      if (curve === "secp521r1") return { alg: seq(oid(OID.ecdsaSha512)), digest: "sha512" };
      return { alg: seq(oid(OID.ecdsaSha256)), digest: "sha256" };
    }
    case "rsa":
      return { alg: seq(oid(OID.rsaSha256), nul()), digest: "sha256" };
    case "ed25519":
      return { alg: seq(oid(OID.ed25519)), digest: null };
    default:
      throw new Error(`x509 mock: cannot sign with ${key.asymmetricKeyType}`);
  }
}

function signed(tbs: Buffer, keyPem: string): Buffer {
  const key = createPrivateKey(keyPem);
  const { alg, digest } = signatureAlgorithm(key);
  const tbsWithAlg = tbs; // the algorithm is already inside tbs (callers build it with signatureAlgorithm too)
  return seq(tbsWithAlg, alg, bits(sign(digest, tbsWithAlg, key)));
}

const spkiOf = (keyPem: string): Buffer => createPublicKey(keyPem).export({ type: "spki", format: "der" }) as Buffer;
const keyIdOf = (spki: Buffer): Buffer => {
  // RFC 5280 method 1: SHA-1 of the subjectPublicKey BIT STRING value.
  const [, bitString] = children(root(spki).value);
  return createHash("sha1").update(bitString.value.subarray(1)).digest();
};
/**
 * The key id the Terraform tls provider computes (generateSubjectKeyID): method 1 for RSA and ECDSA; for Ed25519 the
 * SHA-1 of the key as a DER OCTET STRING (Go's asn1.Marshal of the key bytes).
 */
const terraformKeyIdOf = (spki: Buffer): Buffer => {
  const [alg, bitString] = children(root(spki).value);
  const key = bitString.value.subarray(1);
  const isEd25519 = children(alg.value)[0].raw.equals(oid(OID.ed25519));
  return isEd25519 ? createHash("sha1").update(octets(key)).digest() : keyIdOf(spki);
};

/** The subjectKeyIdentifier extension's value of a certificate, if it has one. */
function subjectKeyIdExtension(tbsFields: readonly Node[]): Buffer | undefined {
  const exts = tbsFields.find((f) => f.tag === 0xa3);
  if (!exts) return undefined;
  for (const ext of children(children(exts.value)[0].value)) {
    const parts = children(ext.value);
    if (!parts[0].raw.equals(oid(OID.subjectKeyId))) continue;
    return children(parts[parts.length - 1].value)[0].value; // OCTET STRING { OCTET STRING keyId }
  }
  return undefined;
}

// ---------------------------------------------------------------------------------------------------------------
// Requests and certificates

export interface RequestInputs {
  readonly privateKeyPem: string;
  readonly subject?: Subject;
  readonly dnsNames?: readonly string[];
  readonly ipAddresses?: readonly string[];
  readonly uris?: readonly string[];
}

/** A signed PKCS#10 request carrying its SANs in an extensionRequest attribute (as tls.CertRequest does). */
export function certificateRequest(i: RequestInputs): string {
  const san = sanExtension(i.dnsNames, i.ipAddresses, i.uris);
  const attrs = san ? [seq(oid(OID.extensionRequest), set(seq(san)))] : [];
  const info = seq(smallInt(0), name(i.subject), spkiOf(i.privateKeyPem), tlv(0xa0, ...attrs));
  return derToPem("CERTIFICATE REQUEST", signed(info, i.privateKeyPem));
}

export interface CertificateInputs {
  readonly validityPeriodHours: number;
  readonly allowedUses?: readonly string[];
  readonly isCaCertificate?: boolean;
}

/**
 * How a certificate is issued. Every field is optional; left out, a certificate is issued the way the mocks always
 * have (serial from a hash of seed and time, valid from now, subject and authority key ids always present). The
 * real-engine stand-in provider (e2e/standins/tls.ts) passes all of them.
 */
export interface IssueOptions {
  /** Serial number bytes (taken as an unsigned big-endian integer). */
  readonly serial?: Buffer;
  /** Start of validity (written to the second, like every X.509 time). */
  readonly notBefore?: Date;
  /**
   * Key identifiers the way Go's crypto/x509 under the Terraform tls provider writes them: subjectKeyIdentifier for a
   * CA or when `setSubjectKeyId`; authorityKeyIdentifier from the issuer certificate's own subjectKeyIdentifier
   * (locally signed) or, self-signed, only when `setAuthorityKeyId` (then it needs a subject key id).
   */
  readonly keyIds?: { readonly setSubjectKeyId: boolean; readonly setAuthorityKeyId?: boolean };
}

function certificate(o: {
  subjectName: Buffer;
  issuerName: Buffer;
  spki: Buffer;
  san?: Buffer;
  issuerKeyPem: string;
  /** The mocks' authority key id (the issuer key's method-1 id). */
  issuerKeyId: Buffer;
  /** With `opts.keyIds`: the authority key id to write, if any. */
  authorityKeyId?: Buffer;
  selfSigned: boolean;
  c: CertificateInputs;
  seed: string;
  opts: IssueOptions;
}): string {
  const key = createPrivateKey(o.issuerKeyPem);
  const { alg } = signatureAlgorithm(key);
  const now = o.opts.notBefore ?? new Date();
  const notBefore = new Date(Math.floor(now.getTime() / 1000) * 1000);
  const notAfter = new Date(now.getTime() + o.c.validityPeriodHours * 3600_000);
  let serial = o.opts.serial;
  if (!serial) {
    serial = createHash("sha256").update(`${o.seed}:${now.getTime()}:${Math.random()}`).digest().subarray(0, 16);
    serial[0] &= 0x7f;
  }
  // integer() writes a leading zero when the high bit is set: the serial stays positive.
  let keyIdExts: Buffer[];
  if (o.opts.keyIds) {
    const ski = o.c.isCaCertificate || o.opts.keyIds.setSubjectKeyId ? terraformKeyIdOf(o.spki) : undefined;
    let aki = o.selfSigned ? undefined : o.authorityKeyId;
    if (o.selfSigned && o.opts.keyIds.setAuthorityKeyId) {
      if (!ski) throw new Error("Invalid Certificate Authority: Could not determine Authority Key Identifier");
      aki = ski;
    }
    keyIdExts = [
      ...(ski ? [extension(OID.subjectKeyId, false, octets(ski))] : []),
      ...(aki ? [extension(OID.authorityKeyId, false, seq(tlv(0x80, aki)))] : []),
    ];
  } else {
    keyIdExts = [
      extension(OID.subjectKeyId, false, octets(keyIdOf(o.spki))),
      extension(OID.authorityKeyId, false, seq(tlv(0x80, o.issuerKeyId))),
    ];
  }
  const exts = [
    extension(OID.basicConstraints, true, seq(...(o.c.isCaCertificate ? [bool(true)] : []))),
    ...usageExtensions(o.c.allowedUses ?? []),
    ...(o.san ? [o.san] : []),
    ...keyIdExts,
  ];
  const tbs = seq(
    explicit(0, smallInt(2)),
    integer(serial),
    alg,
    o.issuerName,
    seq(time(notBefore), time(notAfter)),
    o.subjectName,
    o.spki,
    explicit(3, seq(...exts)),
  );
  return derToPem("CERTIFICATE", signed(tbs, o.issuerKeyPem));
}

export interface SelfSignedInputs extends RequestInputs, CertificateInputs {}

export function selfSignedCertificate(i: SelfSignedInputs, seed: string, opts: IssueOptions = {}): string {
  const spki = spkiOf(i.privateKeyPem);
  const n = name(i.subject);
  return certificate({
    subjectName: n,
    issuerName: n,
    spki,
    san: sanExtension(i.dnsNames, i.ipAddresses, i.uris, n),
    issuerKeyPem: i.privateKeyPem,
    issuerKeyId: keyIdOf(spki),
    selfSigned: true,
    c: i,
    seed,
    opts,
  });
}

export interface LocallySignedInputs extends CertificateInputs {
  readonly certRequestPem: string;
  readonly caPrivateKeyPem: string;
  readonly caCertPem: string;
}

/** Sign a request with a CA: subject, key and SANs from the request, issuer from the CA certificate. */
export function locallySignedCertificate(i: LocallySignedInputs, seed: string, opts: IssueOptions = {}): string {
  const [info] = children(root(pemToDer(i.certRequestPem)).value);
  const [, subject, spki, attrs] = children(info.value);
  let san: Buffer | undefined;
  for (const attr of attrs ? children(attrs.value) : []) {
    const [id, values] = children(attr.value);
    if (!id.raw.equals(oid(OID.extensionRequest))) continue;
    const [exts] = children(values.value);
    for (const ext of children(exts.value)) {
      const parts = children(ext.value);
      if (!parts[0].raw.equals(oid(OID.subjectAltName))) continue;
      // The request's names, critical only when the subject is empty (as Go re-encodes them).
      san = extension(OID.subjectAltName, subject.raw.equals(EMPTY_NAME), parts[parts.length - 1].value);
    }
  }
  const [caTbs] = children(root(pemToDer(i.caCertPem)).value);
  const caFields = children(caTbs.value);
  const offset = caFields[0].tag === 0xa0 ? 1 : 0;
  const caSubject = caFields[offset + 4].raw;
  const caSpki = caFields[offset + 5].raw;
  return certificate({
    subjectName: subject.raw,
    issuerName: caSubject,
    spki: spki.raw,
    san,
    issuerKeyPem: i.caPrivateKeyPem,
    issuerKeyId: keyIdOf(caSpki),
    authorityKeyId: subjectKeyIdExtension(caFields),
    selfSigned: false,
    c: i,
    seed,
    opts,
  });
}
