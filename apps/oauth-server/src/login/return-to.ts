/**
 * Where the login form may send the browser afterwards: only our own /authorize or /account
 * paths, so the login page cannot be turned into an open redirector; and only printable ASCII
 * (RFC 3986 §2: a URI is ASCII; anything else is percent-encoded), because the value becomes a
 * Location header, which Node refuses to send with a control or non-ASCII character in it.
 * Anything else falls back to /account.
 */
export function safeReturnTo(value: unknown): string {
  if (typeof value !== 'string' || value.length > 4096 || !/^[\x21-\x7E]+$/.test(value)) return '/account';
  return /^\/(authorize|account)([?/]|$)/.test(value) && !value.includes('\\') ? value : '/account';
}
