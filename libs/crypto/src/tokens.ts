import { createHmac, KeyObject, randomBytes, timingSafeEqual } from 'node:crypto';

// CSPRNG output fetched in blocks: one randomBytes call costs ~2.5 µs whatever its size, and a
// registration needs three tokens. Node's randomUUID() buffers its entropy the same way.
const ENTROPY_BLOCK_BYTES = 4096;
let entropy = Buffer.alloc(0);
let entropyOffset = 0;

/** A URL-safe random string from the CSPRNG: `bytes` of entropy, base64url without padding. */
export function randomToken(bytes: number): string {
  if (bytes > ENTROPY_BLOCK_BYTES) return randomBytes(bytes).toString('base64url');
  if (entropyOffset + bytes > entropy.length) {
    entropy = randomBytes(ENTROPY_BLOCK_BYTES);
    entropyOffset = 0;
  }
  const token = entropy.toString('base64url', entropyOffset, entropyOffset + bytes);
  entropy.fill(0, entropyOffset, entropyOffset + bytes); // handed out once: no copy stays in the block
  entropyOffset += bytes;
  return token;
}

/**
 * HMAC-SHA-256 of a high-entropy secret under a server-side key, hex encoded. A key used for every
 * request is best given as a KeyObject (createSecretKey), which spares importing it on each call.
 */
export function keyedHash(key: string | KeyObject, secret: string): string {
  return createHmac('sha256', key).update(secret, 'utf8').digest('hex');
}

/** Compares two strings in time independent of where they differ. */
export function constantTimeEqual(a: string, b: string): boolean {
  const left = Buffer.from(a, 'utf8');
  const right = Buffer.from(b, 'utf8');
  // Compare against itself on length mismatch so the work done does not depend on the input.
  if (left.length !== right.length) {
    timingSafeEqual(left, left);
    return false;
  }
  return timingSafeEqual(left, right);
}
