/**
 * ############################################################################################################
 * #  STAND-IN for the `tls` provider plugin, for the e2e suite only. NOT the upstream pulumi-tls.             #
 * #  The real plugin (pulumi-resource-tls 5.6.1, the Terraform tls provider bridged) cannot be obtained on    #
 * #  the e2e machines. This implements the four resource types the program uses, with the real tokens,       #
 * #  property names and semantics:                                                                           #
 * #    tls:index/privateKey:PrivateKey             fresh keys from node:crypto (RSA, ECDSA P224..P521, Ed25519) #
 * #    tls:index/selfSignedCert:SelfSignedCert     real X.509 certificates, random 128-bit serials             #
 * #    tls:index/certRequest:CertRequest           real PKCS#10 requests                                       #
 * #    tls:index/locallySignedCert:LocallySignedCert  signed by the given CA key, checked against the CA cert  #
 * #  Every input change forces a replacement except `earlyRenewalHours` (in place, as upstream), and a        #
 * #  certificate inside its early-renewal window is replaced (`readyForRenewal`). The DER is built by         #
 * #  lib/mocks/x509.ts (shared with the offline mocks, here with random serials and Go's key-id rules).       #
 * #  Served by e2e/standins/serve.ts through e2e/standins/bin/pulumi-resource-tls. See README.md there.       #
 * ############################################################################################################
 */
import { X509Certificate, createHash, createPrivateKey, createPublicKey, generateKeyPairSync, randomBytes, type KeyObject } from "node:crypto";
import { isIP } from "node:net";
import { ALLOWED_USES, certificateRequest, locallySignedCertificate, pemToDer, selfSignedCertificate, type Subject } from "../../lib/mocks/x509";
import { opensshForms } from "./ssh";
import { checkProps, type PropertySpec } from "./validate";
import { standinProvider, type CheckFailure, type Json, type Props, type StandinProvider, type StandinResource } from "./wire";

/** The @pulumi/tls SDK version this stand-in answers for (package.json pins it). */
export const TLS_VERSION = "5.6.1";
export const PRIVATE_KEY = "tls:index/privateKey:PrivateKey";
export const SELF_SIGNED_CERT = "tls:index/selfSignedCert:SelfSignedCert";
export const CERT_REQUEST = "tls:index/certRequest:CertRequest";
export const LOCALLY_SIGNED_CERT = "tls:index/locallySignedCert:LocallySignedCert";

// ---------------------------------------------------------------------------------------------------------------
// Helpers

/** Go's hashForState: hex SHA-1 of the value with surrounding whitespace trimmed. */
function hashForState(b: Buffer): string {
  let start = 0;
  let end = b.length;
  const space = (c: number) => c === 0x20 || (c >= 0x09 && c <= 0x0d);
  while (start < end && space(b[start])) start++;
  while (end > start && space(b[end - 1])) end--;
  return createHash("sha1").update(b.subarray(start, end)).digest("hex");
}

/** RFC 3339 the way Go's time.MarshalText writes UTC (fraction without trailing zeros). */
export function rfc3339(d: Date): string {
  const [whole, frac] = d.toISOString().slice(0, -1).split(".");
  const f = (frac ?? "").replace(/0+$/, "");
  return `${whole}${f ? `.${f}` : ""}Z`;
}

type Algorithm = "RSA" | "ECDSA" | "ED25519";

/** Parse a private key PEM as the provider does (PKCS#1 `RSA PRIVATE KEY`, SEC1 `EC PRIVATE KEY`, PKCS#8 `PRIVATE KEY`). */
function parsePrivateKeyPem(pem: string, property: string): { key: KeyObject; algorithm: Algorithm } {
  const m = /-----BEGIN ([A-Z ]+)-----/.exec(pem);
  if (!m || !["RSA PRIVATE KEY", "EC PRIVATE KEY", "PRIVATE KEY"].includes(m[1])) {
    throw new Error(`${property}: Failed to parse private key PEM: unable to determine parser for PEM preamble: ${m ? m[1] : "(no PEM block)"}`);
  }
  const key = createPrivateKey(pem);
  const algorithm = ({ rsa: "RSA", ec: "ECDSA", ed25519: "ED25519" } as const)[key.asymmetricKeyType as "rsa" | "ec" | "ed25519"];
  if (!algorithm) throw new Error(`${property}: unsupported private key type ${key.asymmetricKeyType}`);
  return { key, algorithm };
}

function expectPem(pem: string, type: string, property: string): void {
  const m = /-----BEGIN ([A-Z ]+)-----/.exec(pem);
  if (!m || m[1] !== type) throw new Error(`${property}: failed to decode PEM of expected type "${type}"${m ? `, got "${m[1]}"` : ""}`);
}

const SUBJECT_FIELDS: Record<string, "string" | "stringList" | "unsupported"> = {
  commonName: "string",
  country: "string",
  emailAddress: "unsupported",
  locality: "string",
  organization: "string",
  organizationalUnit: "string",
  postalCode: "string",
  province: "string",
  serialNumber: "string",
  streetAddresses: "stringList",
};

function checkSubject(props: Props): CheckFailure[] {
  const s = props.values.subject;
  if (props.unknown.has("subject") || s === undefined || s === null || typeof s !== "object" || Array.isArray(s)) return [];
  const failures: CheckFailure[] = [];
  for (const [k, v] of Object.entries(s)) {
    const kind = SUBJECT_FIELDS[k];
    if (v === null) continue;
    if (!kind) failures.push({ property: `subject.${k}`, reason: `'${k}' is not a field of the certificate subject` });
    else if (kind === "unsupported") failures.push({ property: `subject.${k}`, reason: `'subject.${k}' is not implemented by the tls STAND-IN provider (e2e/standins)` });
    else if (kind === "string" ? typeof v !== "string" : !Array.isArray(v) || v.some((x) => typeof x !== "string")) {
      failures.push({ property: `subject.${k}`, reason: `'subject.${k}' must be ${kind === "string" ? "a string" : "a list of strings"}` });
    }
  }
  return failures;
}

function subjectOf(v: Json | undefined): Subject {
  if (!v || typeof v !== "object" || Array.isArray(v)) return {};
  const str = (x: Json | undefined) => (typeof x === "string" ? x : undefined);
  return {
    commonName: str(v.commonName),
    country: str(v.country),
    locality: str(v.locality),
    organization: str(v.organization),
    organizationalUnit: str(v.organizationalUnit),
    postalCode: str(v.postalCode),
    province: str(v.province),
    serialNumber: str(v.serialNumber),
    streetAddresses: Array.isArray(v.streetAddresses) ? v.streetAddresses.filter((x): x is string => typeof x === "string") : undefined,
  };
}

const isEmptySubject = (s: Subject) => Object.values(s).every((x) => x === undefined || (Array.isArray(x) && x.length === 0));

const strings = (v: Json | undefined): string[] => (Array.isArray(v) ? v.filter((x): x is string => typeof x === "string") : []);

function parseIps(v: Json | undefined): string[] {
  const ips = strings(v);
  for (const ip of ips) if (!isIP(ip)) throw new Error(`ipAddresses: Invalid IP address: Failed to parse ${JSON.stringify(ip)}`);
  return ips;
}

function parseUris(v: Json | undefined): string[] {
  const uris = strings(v);
  for (const u of uris) {
    try {
      new URL(u);
    } catch {
      throw new Error(`uris: Invalid URI: Failed to parse ${JSON.stringify(u)}`);
    }
  }
  return uris;
}

const bool = (v: Json | undefined, d: boolean): boolean => (typeof v === "boolean" ? v : d);
const int = (v: Json | undefined, d: number): number => (typeof v === "number" ? v : d);

/** Pick the named properties (undefined when not given). */
const pick = (v: Readonly<Record<string, Json>>, names: readonly string[]): Record<string, Json | undefined> =>
  Object.fromEntries(names.map((n) => [n, v[n] ?? undefined]));

// ---------------------------------------------------------------------------------------------------------------
// PrivateKey

const CURVES: Record<string, string> = { P224: "secp224r1", P256: "prime256v1", P384: "secp384r1", P521: "secp521r1" };

const PRIVATE_KEY_SPECS: Record<string, PropertySpec> = {
  algorithm: { kind: "string", required: true, oneOf: ["ECDSA", "ED25519", "RSA"] },
  ecdsaCurve: { kind: "string", oneOf: Object.keys(CURVES) },
  rsaBits: { kind: "integer" },
};

export const privateKey: StandinResource = {
  normalize: (v) => ({ algorithm: v.algorithm ?? undefined, ecdsaCurve: v.ecdsaCurve ?? "P224", rsaBits: v.rsaBits ?? 2048 }),
  check: (props) => checkProps(props, PRIVATE_KEY_SPECS, PRIVATE_KEY),
  create(i) {
    let key: KeyObject;
    let format: "pkcs1" | "sec1" | "pkcs8";
    switch (i.algorithm) {
      case "RSA": {
        const bits = int(i.rsaBits, 2048);
        // Go's crypto/rsa (under the real provider) refuses keys below 1024 bits.
        if (bits < 1024) throw new Error(`Unable to generate Key from configuration: crypto/rsa: ${bits}-bit keys are insecure`);
        key = generateKeyPairSync("rsa", { modulusLength: bits }).privateKey;
        format = "pkcs1";
        break;
      }
      case "ECDSA":
        key = generateKeyPairSync("ec", { namedCurve: CURVES[String(i.ecdsaCurve)] }).privateKey;
        format = "sec1";
        break;
      case "ED25519":
        key = generateKeyPairSync("ed25519").privateKey;
        format = "pkcs8";
        break;
      default:
        throw new Error(`Invalid Key Algorithm: Key Algorithm ${JSON.stringify(i.algorithm)} is not supported`);
    }
    const spki = createPublicKey(key).export({ type: "spki", format: "der" });
    return {
      id: hashForState(spki),
      outs: {
        ...i,
        privateKeyPem: key.export({ type: format, format: "pem" }) as string,
        privateKeyPemPkcs8: key.export({ type: "pkcs8", format: "pem" }) as string,
        publicKeyPem: createPublicKey(key).export({ type: "spki", format: "pem" }) as string,
        ...opensshForms(key),
      },
    };
  },
  sensitiveOutputs: ["privateKeyPem", "privateKeyPemPkcs8", "privateKeyOpenssh"],
};

// ---------------------------------------------------------------------------------------------------------------
// Certificates

const certSpecs = (extra: Record<string, PropertySpec>): Record<string, PropertySpec> => ({
  allowedUses: { kind: "stringList", required: true, oneOf: ALLOWED_USES },
  earlyRenewalHours: { kind: "integer", atLeast: 0 },
  isCaCertificate: { kind: "boolean" },
  maxPathLength: { kind: "integer", unsupported: true },
  setSubjectKeyId: { kind: "boolean" },
  validityPeriodHours: { kind: "integer", required: true, atLeast: 0 },
  ...extra,
});

const SELF_SIGNED_SPECS = certSpecs({
  dnsNames: { kind: "stringList" },
  ipAddresses: { kind: "stringList" },
  privateKeyPem: { kind: "string", required: true },
  privateKeyPemWo: { kind: "string", unsupported: true },
  privateKeyPemWoVersion: { kind: "string", unsupported: true },
  setAuthorityKeyId: { kind: "boolean" },
  subject: { kind: "object" },
  uris: { kind: "stringList" },
});

const LOCALLY_SIGNED_SPECS = certSpecs({
  caCertPem: { kind: "string", required: true },
  caPrivateKeyPem: { kind: "string", required: true },
  caPrivateKeyPemWo: { kind: "string", unsupported: true },
  caPrivateKeyPemWoVersion: { kind: "string", unsupported: true },
  certRequestPem: { kind: "string", required: true },
});

const CERT_REQUEST_SPECS: Record<string, PropertySpec> = {
  dnsNames: { kind: "stringList" },
  ipAddresses: { kind: "stringList" },
  privateKeyPem: { kind: "string", required: true },
  privateKeyPemWo: { kind: "string", unsupported: true },
  privateKeyPemWoVersion: { kind: "string", unsupported: true },
  subject: { kind: "object" },
  uris: { kind: "stringList" },
};

/** Serial, validity and the computed outputs every certificate shares. */
function issue(validityPeriodHours: number, build: (serial: Buffer, notBefore: Date) => string) {
  // crypto/rand.Int(2^128), as upstream: 16 random bytes, an unsigned integer.
  const serial = randomBytes(16);
  const notBefore = new Date();
  const certPem = build(serial, notBefore);
  return {
    id: BigInt(`0x${serial.toString("hex")}`).toString(10),
    certPem,
    validityStartTime: rfc3339(notBefore),
    validityEndTime: rfc3339(new Date(notBefore.getTime() + validityPeriodHours * 3600_000)),
    readyForRenewal: false,
  };
}

/** Upstream's ModifyPlan: once `validityEndTime - earlyRenewalHours` has passed, the certificate is replaced. */
function renewal(olds: Props, news: Readonly<Record<string, Json | undefined>>, now: Date): string[] {
  const end = olds.values.validityEndTime;
  if (typeof end !== "string") return [];
  const early = typeof news.earlyRenewalHours === "number" ? news.earlyRenewalHours : int(olds.values.earlyRenewalHours, 0);
  return Date.parse(end) - early * 3600_000 <= now.getTime() ? ["readyForRenewal"] : [];
}

const SELF_SIGNED_INPUTS = ["allowedUses", "dnsNames", "earlyRenewalHours", "ipAddresses", "isCaCertificate", "privateKeyPem", "setAuthorityKeyId", "setSubjectKeyId", "subject", "uris", "validityPeriodHours"];

export const selfSignedCert: StandinResource = {
  normalize: (v) => ({
    ...pick(v, SELF_SIGNED_INPUTS),
    earlyRenewalHours: int(v.earlyRenewalHours, 0),
    isCaCertificate: bool(v.isCaCertificate, false),
    setAuthorityKeyId: bool(v.setAuthorityKeyId, false),
    setSubjectKeyId: bool(v.setSubjectKeyId, false),
  }),
  check: (props) => [...checkProps(props, SELF_SIGNED_SPECS, SELF_SIGNED_CERT), ...checkSubject(props)],
  create(i) {
    const { algorithm } = parsePrivateKeyPem(String(i.privateKeyPem), "privateKeyPem");
    const subject = subjectOf(i.subject);
    const isCa = i.isCaCertificate === true;
    if (isCa && isEmptySubject(subject)) throw new Error("Invalid Certificate Subject: Must contain at least one Distinguished Name when creating Certificate Authority (CA)");
    const hours = int(i.validityPeriodHours, 0);
    const { id, ...computed } = issue(hours, (serial, notBefore) =>
      selfSignedCertificate(
        {
          privateKeyPem: String(i.privateKeyPem),
          subject,
          dnsNames: strings(i.dnsNames),
          ipAddresses: parseIps(i.ipAddresses),
          uris: parseUris(i.uris),
          validityPeriodHours: hours,
          allowedUses: strings(i.allowedUses),
          isCaCertificate: isCa,
        },
        "",
        { serial, notBefore, keyIds: { setSubjectKeyId: i.setSubjectKeyId === true, setAuthorityKeyId: i.setAuthorityKeyId === true } },
      ),
    );
    return { id, outs: { ...i, ...computed, keyAlgorithm: algorithm } };
  },
  sensitiveOutputs: ["privateKeyPem"],
  updatable: ["earlyRenewalHours"],
  replacementsFromState: renewal,
};

const CERT_REQUEST_INPUTS = ["dnsNames", "ipAddresses", "privateKeyPem", "subject", "uris"];

export const certRequest: StandinResource = {
  normalize: (v) => pick(v, CERT_REQUEST_INPUTS),
  check: (props) => [...checkProps(props, CERT_REQUEST_SPECS, CERT_REQUEST), ...checkSubject(props)],
  create(i) {
    const { algorithm } = parsePrivateKeyPem(String(i.privateKeyPem), "privateKeyPem");
    const pem = certificateRequest({
      privateKeyPem: String(i.privateKeyPem),
      subject: subjectOf(i.subject),
      dnsNames: strings(i.dnsNames),
      ipAddresses: parseIps(i.ipAddresses),
      uris: parseUris(i.uris),
    });
    return { id: hashForState(pemToDer(pem)), outs: { ...i, certRequestPem: pem, keyAlgorithm: algorithm } };
  },
  sensitiveOutputs: ["privateKeyPem"],
};

const LOCALLY_SIGNED_INPUTS = ["allowedUses", "caCertPem", "caPrivateKeyPem", "certRequestPem", "earlyRenewalHours", "isCaCertificate", "setSubjectKeyId", "validityPeriodHours"];

export const locallySignedCert: StandinResource = {
  normalize: (v) => ({
    ...pick(v, LOCALLY_SIGNED_INPUTS),
    earlyRenewalHours: int(v.earlyRenewalHours, 0),
    isCaCertificate: bool(v.isCaCertificate, false),
    setSubjectKeyId: bool(v.setSubjectKeyId, false),
  }),
  check: (props) => checkProps(props, LOCALLY_SIGNED_SPECS, LOCALLY_SIGNED_CERT),
  create(i) {
    const certRequestPem = String(i.certRequestPem);
    const caCertPem = String(i.caCertPem);
    expectPem(certRequestPem, "CERTIFICATE REQUEST", "certRequestPem");
    expectPem(caCertPem, "CERTIFICATE", "caCertPem");
    const { key: caKey, algorithm } = parsePrivateKeyPem(String(i.caPrivateKeyPem), "caPrivateKeyPem");
    const ca = new X509Certificate(caCertPem);
    // Go's x509.CreateCertificate refuses a key that is not the CA certificate's.
    const caSpki = ca.publicKey.export({ type: "spki", format: "der" });
    if (!caSpki.equals(createPublicKey(caKey).export({ type: "spki", format: "der" }))) {
      throw new Error("Failed to create certificate: x509: provided PrivateKey doesn't match parent's PublicKey");
    }
    if (!ca.ca) process.stderr.write("tls stand-in: warning: Potentially Invalid Certificate Authority: the CA certificate is not a CA\n");
    const hours = int(i.validityPeriodHours, 0);
    const { id, ...computed } = issue(hours, (serial, notBefore) =>
      locallySignedCertificate(
        {
          certRequestPem,
          caPrivateKeyPem: String(i.caPrivateKeyPem),
          caCertPem,
          validityPeriodHours: hours,
          allowedUses: strings(i.allowedUses),
          isCaCertificate: i.isCaCertificate === true,
        },
        "",
        { serial, notBefore, keyIds: { setSubjectKeyId: i.setSubjectKeyId === true } },
      ),
    );
    return { id, outs: { ...i, ...computed, caKeyAlgorithm: algorithm } };
  },
  sensitiveOutputs: ["caPrivateKeyPem"],
  updatable: ["earlyRenewalHours"],
  replacementsFromState: renewal,
};

/** The stand-in `tls` provider: PrivateKey, SelfSignedCert, CertRequest, LocallySignedCert. */
export const tlsProvider: StandinProvider = standinProvider("tls", TLS_VERSION, {
  [PRIVATE_KEY]: privateKey,
  [SELF_SIGNED_CERT]: selfSignedCert,
  [CERT_REQUEST]: certRequest,
  [LOCALLY_SIGNED_CERT]: locallySignedCert,
});
