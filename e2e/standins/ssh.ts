/**
 * STAND-IN support (e2e only): the OpenSSH forms of a tls.PrivateKey (`publicKeyOpenssh`, `privateKeyOpenssh`, the
 * MD5 and SHA256 fingerprints), encoded the way the Terraform tls provider does with golang.org/x/crypto/ssh:
 * authorized_keys line with a trailing newline, unencrypted `openssh-key-v1` private key with an empty comment in
 * 64-column PEM. ECDSA P-224 has no SSH form: every OpenSSH field is then "" (as upstream).
 * Written from the formats (RFC 4253 6.6, RFC 5656, RFC 8709, OpenSSH's PROTOCOL.key); test/standins checks the
 * results with ssh-keygen.
 */
import { createHash, randomBytes, type KeyObject } from "node:crypto";

const u32 = (n: number): Buffer => {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(n >>> 0);
  return b;
};
const str = (b: Buffer | string): Buffer => {
  const body = typeof b === "string" ? Buffer.from(b, "utf8") : b;
  return Buffer.concat([u32(body.length), body]);
};
/** RFC 4251 mpint from unsigned big-endian bytes. */
const mpint = (b: Buffer): Buffer => {
  let i = 0;
  while (i < b.length && b[i] === 0) i++;
  const v = b.subarray(i);
  return str(v.length && v[0] & 0x80 ? Buffer.concat([Buffer.from([0]), v]) : v);
};
const b64url = (s: string | undefined): Buffer => {
  if (s === undefined) throw new Error("ssh: incomplete JWK export");
  return Buffer.from(s, "base64url");
};

const CURVES: Record<string, { keyType: string; curve: string }> = {
  "P-256": { keyType: "ecdsa-sha2-nistp256", curve: "nistp256" },
  "P-384": { keyType: "ecdsa-sha2-nistp384", curve: "nistp384" },
  "P-521": { keyType: "ecdsa-sha2-nistp521", curve: "nistp521" },
};

interface SshParts {
  readonly keyType: string;
  /** The public key blob (RFC 4253 6.6). */
  readonly publicBlob: Buffer;
  /** The key-specific private fields after the key type in an openssh-key-v1 private section. */
  readonly privateFields: Buffer;
}

/** OpenSSL curve names -> JWK names, for the curves SSH has. */
const SSH_EC_CURVES: Record<string, string> = { prime256v1: "P-256", secp384r1: "P-384", secp521r1: "P-521" };

function sshParts(privateKey: KeyObject): SshParts | undefined {
  if (privateKey.asymmetricKeyType === "ec" && !SSH_EC_CURVES[privateKey.asymmetricKeyDetails?.namedCurve ?? ""]) return undefined; // P-224
  const jwk = privateKey.export({ format: "jwk" });
  switch (privateKey.asymmetricKeyType) {
    case "rsa": {
      const [n, e] = [b64url(jwk.n), b64url(jwk.e)];
      return {
        keyType: "ssh-rsa",
        publicBlob: Buffer.concat([str("ssh-rsa"), mpint(e), mpint(n)]),
        // n, e, d, iqmp (q^-1 mod p), p, q
        privateFields: Buffer.concat([mpint(n), mpint(e), mpint(b64url(jwk.d)), mpint(b64url(jwk.qi)), mpint(b64url(jwk.p)), mpint(b64url(jwk.q))]),
      };
    }
    case "ec": {
      const c = jwk.crv ? CURVES[jwk.crv] : undefined;
      if (!c) return undefined;
      const point = Buffer.concat([Buffer.from([4]), b64url(jwk.x), b64url(jwk.y)]);
      return {
        keyType: c.keyType,
        publicBlob: Buffer.concat([str(c.keyType), str(c.curve), str(point)]),
        privateFields: Buffer.concat([str(c.curve), str(point), mpint(b64url(jwk.d))]),
      };
    }
    case "ed25519": {
      const [pub, seed] = [b64url(jwk.x), b64url(jwk.d)];
      return {
        keyType: "ssh-ed25519",
        publicBlob: Buffer.concat([str("ssh-ed25519"), str(pub)]),
        privateFields: Buffer.concat([str(pub), str(Buffer.concat([seed, pub]))]),
      };
    }
    default:
      return undefined;
  }
}

export interface OpensshForms {
  readonly publicKeyOpenssh: string;
  readonly privateKeyOpenssh: string;
  readonly publicKeyFingerprintMd5: string;
  readonly publicKeyFingerprintSha256: string;
}

const pem = (type: string, der: Buffer): string => `-----BEGIN ${type}-----\n${der.toString("base64").match(/.{1,64}/g)?.join("\n")}\n-----END ${type}-----\n`;

/** The OpenSSH forms of a private key; all "" for keys SSH cannot carry (ECDSA P-224). */
export function opensshForms(privateKey: KeyObject): OpensshForms {
  const parts = sshParts(privateKey);
  if (!parts) return { publicKeyOpenssh: "", privateKeyOpenssh: "", publicKeyFingerprintMd5: "", publicKeyFingerprintSha256: "" };
  const check = randomBytes(4);
  let section = Buffer.concat([check, check, str(parts.keyType), parts.privateFields, str("")]);
  const pad: number[] = [];
  for (let i = 1; (section.length + pad.length) % 8 !== 0; i++) pad.push(i);
  section = Buffer.concat([section, Buffer.from(pad)]);
  const body = Buffer.concat([Buffer.from("openssh-key-v1\0", "latin1"), str("none"), str("none"), str(""), u32(1), str(parts.publicBlob), str(section)]);
  const md5 = createHash("md5").update(parts.publicBlob).digest("hex");
  return {
    publicKeyOpenssh: `${parts.keyType} ${parts.publicBlob.toString("base64")}\n`,
    privateKeyOpenssh: pem("OPENSSH PRIVATE KEY", body),
    publicKeyFingerprintMd5: md5.match(/../g)?.join(":") ?? "",
    publicKeyFingerprintSha256: `SHA256:${createHash("sha256").update(parts.publicBlob).digest("base64").replace(/=+$/, "")}`,
  };
}
