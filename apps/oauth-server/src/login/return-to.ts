/**
 * Where the login form may send the browser afterwards: only our own /authorize or /account
 * paths, so the login page cannot be turned into an open redirector.
 */
export function safeReturnTo(value: unknown): string {
  if (typeof value !== 'string' || value.length > 4096) return '/account';
  return /^\/(authorize|account)([?/]|$)/.test(value) && !value.includes('\\') ? value : '/account';
}
