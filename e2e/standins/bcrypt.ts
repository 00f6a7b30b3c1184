/**
 * STAND-IN support (e2e only): bcrypt, for the stand-in RandomPassword's `bcryptHash` (the real provider computes it
 * with Go's golang.org/x/crypto/bcrypt at its default cost 10, `$2a$`). Node has no bcrypt built in and the project
 * adds no dependency for a stand-in, so this is the OpenBSD algorithm (eksblowfish) written out, checked in
 * test/standins against hashes from the system's crypt(3).
 *
 * Blowfish's initial P-array and S-boxes are the hexadecimal digits of pi's fraction; rather than carry 4 KiB of
 * constants they are computed once with Machin's formula in BigInt fixed point (about 30 ms).
 */
import { randomBytes } from "node:crypto";

const P_WORDS = 18;
const S_WORDS = 4 * 256;

let piCache: Int32Array | undefined;

/** The first `n` 32-bit words of pi's hexadecimal fraction (0x243f6a88, 0x85a308d3, ...). */
export function piWords(n: number): Int32Array {
  const guard = 64n;
  const scale = BigInt(n * 32) + guard;
  const one = 1n << scale;
  const arctanInverse = (x: bigint): bigint => {
    // arctan(1/x) = sum (-1)^k / ((2k+1) x^(2k+1)); each truncation costs at most 1 ulp, far below the guard bits.
    const x2 = x * x;
    let power = one / x;
    let sum = power;
    for (let k = 1n, sign = -1n; power !== 0n; k++, sign = -sign) {
      power /= x2;
      sum += (sign * power) / (2n * k + 1n);
    }
    return sum;
  };
  const pi = 16n * arctanInverse(5n) - 4n * arctanInverse(239n);
  const fraction = (pi - 3n * one) >> guard;
  const out = new Int32Array(n);
  for (let i = 0; i < n; i++) out[i] = Number((fraction >> BigInt((n - 1 - i) * 32)) & 0xffffffffn) | 0;
  return out;
}

function initialState(): Int32Array {
  piCache ??= piWords(P_WORDS + S_WORDS);
  return Int32Array.from(piCache); // P at 0..17, S-boxes at 18..1041
}

/** Blowfish-encrypt the block in lr[0], lr[1] with state st (P then S), in place. */
function encipher(st: Int32Array, lr: Int32Array): void {
  const S = P_WORDS;
  const f = (x: number) => ((((st[S + (x >>> 24)] + st[S + 256 + ((x >>> 16) & 0xff)]) | 0) ^ st[S + 512 + ((x >>> 8) & 0xff)]) + st[S + 768 + (x & 0xff)]) | 0;
  let l = lr[0] ^ st[0];
  let r = lr[1];
  for (let i = 1; i <= 16; i += 2) {
    r ^= f(l) ^ st[i];
    l ^= f(r) ^ st[i + 1];
  }
  lr[0] = r ^ st[17];
  lr[1] = l;
}

/** Big-endian 32-bit words of `data`, cycling (Blowfish_stream2word). */
function stream(data: Uint8Array): () => number {
  let j = 0;
  return () => {
    let w = 0;
    for (let i = 0; i < 4; i++) {
      w = (w << 8) | data[j];
      j = (j + 1) % data.length;
    }
    return w | 0;
  };
}

/** Blowfish_expandstate (with salt) / Blowfish_expand0state (without). */
function expand(st: Int32Array, key: Uint8Array, salt?: Uint8Array): void {
  const k = stream(key);
  for (let i = 0; i < P_WORDS; i++) st[i] ^= k();
  const s = salt ? stream(salt) : () => 0;
  const lr = new Int32Array(2);
  for (let i = 0; i < P_WORDS + S_WORDS; i += 2) {
    lr[0] ^= s();
    lr[1] ^= s();
    encipher(st, lr);
    st[i] = lr[0];
    st[i + 1] = lr[1];
  }
}

const ALPHABET = "./ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

/** bcrypt's base64 (its own alphabet, no padding). */
function encode64(b: Uint8Array): string {
  let out = "";
  for (let i = 0; i < b.length; i += 3) {
    const c1 = b[i];
    out += ALPHABET[c1 >> 2];
    if (i + 1 >= b.length) {
      out += ALPHABET[(c1 & 0x03) << 4];
      break;
    }
    const c2 = b[i + 1];
    out += ALPHABET[((c1 & 0x03) << 4) | (c2 >> 4)];
    if (i + 2 >= b.length) {
      out += ALPHABET[(c2 & 0x0f) << 2];
      break;
    }
    const c3 = b[i + 2];
    out += ALPHABET[((c2 & 0x0f) << 2) | (c3 >> 6)];
    out += ALPHABET[c3 & 0x3f];
  }
  return out;
}

function decode64(s: string, bytes: number): Uint8Array {
  let acc = 0;
  let nbits = 0;
  const out: number[] = [];
  for (const ch of s) {
    const v = ALPHABET.indexOf(ch);
    if (v < 0) throw new Error(`bcrypt: invalid salt character ${JSON.stringify(ch)}`);
    acc = (acc << 6) | v;
    nbits += 6;
    if (nbits >= 8) {
      nbits -= 8;
      out.push((acc >> nbits) & 0xff);
      if (out.length === bytes) break;
    }
  }
  return Uint8Array.from(out);
}

/**
 * `$2a$<cost>$<salt><hash>` for `password`, as Go's bcrypt.GenerateFromPassword writes it. The key is the password's
 * bytes plus a NUL, of which Blowfish uses the first 72 (longer passwords are cut there; newer Go versions refuse
 * them instead).
 */
export function bcryptHash(password: string, cost = 10, salt: Uint8Array = randomBytes(16)): string {
  if (!Number.isInteger(cost) || cost < 4 || cost > 31) throw new Error(`bcrypt: cost ${cost} is outside 4..31`);
  if (salt.length !== 16) throw new Error("bcrypt: the salt is 16 bytes");
  const key = Buffer.concat([Buffer.from(password, "utf8"), Buffer.from([0])]);
  const st = initialState();
  expand(st, key, salt);
  for (let i = 0, rounds = 2 ** cost; i < rounds; i++) {
    expand(st, key);
    expand(st, salt);
  }
  const text = Buffer.from("OrpheanBeholderScryDoubt", "latin1");
  const words = new Int32Array(6);
  for (let i = 0; i < 6; i++) words[i] = text.readInt32BE(4 * i);
  const lr = new Int32Array(2);
  for (let block = 0; block < 6; block += 2) {
    lr[0] = words[block];
    lr[1] = words[block + 1];
    for (let i = 0; i < 64; i++) encipher(st, lr);
    words[block] = lr[0];
    words[block + 1] = lr[1];
  }
  const out = Buffer.alloc(24);
  for (let i = 0; i < 6; i++) out.writeInt32BE(words[i], 4 * i);
  return `$2a$${String(cost).padStart(2, "0")}$${encode64(salt)}${encode64(out.subarray(0, 23))}`;
}

/** Hash with the cost and salt of an existing hash (`$2a$`/`$2b$`/`$2y$`): verification, and known-answer tests. */
export function bcryptWithSettings(password: string, settings: string): string {
  const m = /^\$2[aby]\$(\d\d)\$([./A-Za-z0-9]{22})/.exec(settings);
  if (!m) throw new Error("bcrypt: settings must look like $2a$10$ followed by a 22-character salt");
  const hash = bcryptHash(password, Number(m[1]), decode64(m[2], 16));
  return settings.slice(0, 4) + hash.slice(4);
}

/** Whether `hash` is a bcrypt hash of `password`. */
export const bcryptVerify = (password: string, hash: string): boolean => bcryptWithSettings(password, hash) === hash;
