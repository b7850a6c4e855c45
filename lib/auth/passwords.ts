import crypto from "node:crypto";

/**
 * Password hashing with scrypt (memory-hard, in node:crypto — no native add-on to build). Parameters follow
 * OWASP's password storage cheat sheet for scrypt: N = 2^17, r = 8, p = 1 (128 MiB and ~0.2–0.5 s per hash).
 * They are stored with each hash, so raising them later still verifies old hashes (and `needsRehash` says when
 * to re-hash at the next sign-in).
 */
const PARAMS = { log2N: 17, r: 8, p: 1 };
const KEY_LEN = 32;

function derive(password: string, salt: Buffer, log2N: number, r: number, p: number): Promise<Buffer> {
  const N = 2 ** log2N;
  return new Promise((resolve, reject) =>
    crypto.scrypt(password.normalize("NFKC"), salt, KEY_LEN, { N, r, p, maxmem: 256 * N * r + 1024 * 1024 }, (err, key) =>
      err ? reject(err) : resolve(key),
    ),
  );
}

export async function hashPassword(password: string): Promise<string> {
  const salt = crypto.randomBytes(16);
  const key = await derive(password, salt, PARAMS.log2N, PARAMS.r, PARAMS.p);
  return ["scrypt", PARAMS.log2N, PARAMS.r, PARAMS.p, salt.toString("base64"), key.toString("base64")].join("$");
}

export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const parts = stored.split("$");
  if (parts.length !== 6 || parts[0] !== "scrypt") return false;
  const [log2N, r, p] = parts.slice(1, 4).map(Number);
  if (![log2N, r, p].every(Number.isInteger) || log2N < 10 || log2N > 20 || r < 1 || r > 32 || p < 1 || p > 16) return false;
  const expected = Buffer.from(parts[5], "base64");
  const key = await derive(password, Buffer.from(parts[4], "base64"), log2N, r, p);
  return key.length === expected.length && crypto.timingSafeEqual(key, expected);
}

export function needsRehash(stored: string): boolean {
  return !stored.startsWith(`scrypt$${PARAMS.log2N}$${PARAMS.r}$${PARAMS.p}$`);
}

/** A hash of a random password, verified against when the email is unknown so both cases take the same time. */
let decoy: Promise<string> | null = null;
export function decoyHash(): Promise<string> {
  decoy ??= hashPassword(crypto.randomBytes(16).toString("base64"));
  return decoy;
}

/** A password for the first admin when none is configured: 20 characters from a 56-letter alphabet (~116 bits). */
export function generatePassword(): string {
  const alphabet = "abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
  return Array.from(crypto.randomBytes(20), (b) => alphabet[b % alphabet.length]).join("");
}
