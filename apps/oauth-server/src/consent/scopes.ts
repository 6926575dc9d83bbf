/** What each scope lets the application do, in words for the consent and account pages. */
const DESCRIPTIONS: Record<string, string> = {
  openid: 'Sign you in and know your account identifier',
  profile: 'See your username and display name',
  email: 'See your email address',
};

export interface ScopeDescription {
  scope: string;
  description: string;
}

export function describeScopes(scopes: readonly string[]): ScopeDescription[] {
  return scopes.map((scope) => ({ scope, description: DESCRIPTIONS[scope] ?? `Access “${scope}”` }));
}
