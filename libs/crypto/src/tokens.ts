import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/** A URL-safe random string from the CSPRNG: `bytes` of entropy, base64url without padding. */
export function randomToken(bytes: number): string {
  return randomBytes(bytes).toString('base64url');
}

/** HMAC-SHA-256 of a high-entropy secret under a server-side key, hex encoded. */
export function keyedHash(key: string, secret: string): string {
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
