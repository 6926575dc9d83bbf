/** Why a new password is refused, or undefined when it is acceptable. */
export function passwordProblem(password: string, username: string, minLength: number): string | undefined {
  if ([...password].length < minLength) return `the password must be at least ${minLength} characters long`;
  // bcrypt reads only the first 72 bytes; longer passwords would be silently truncated.
  if (Buffer.byteLength(password, 'utf8') > 72) return 'the password must be at most 72 bytes long';
  if (new Set(password).size < 4) return 'the password must use more than a few distinct characters';
  if (password.toLowerCase().includes(username.toLowerCase())) return 'the password must not contain the username';
  return undefined;
}

/** Usernames: 1–64 characters, letters, digits and . _ @ - (no spaces, nothing that needs escaping). */
export function isValidUsername(username: string): boolean {
  return /^[A-Za-z0-9._@-]{1,64}$/.test(username);
}
