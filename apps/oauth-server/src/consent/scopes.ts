/** What each scope lets the application do, in words for the consent and account pages. */
const DESCRIPTIONS: Record<string, string> = {
  openid: 'Sign you in and know your account identifier',
  profile: 'See your username and display name',
  email: 'See your email address',
  // OIDC Core §11: the user consents to access that lasts while they are not using the app
  offline_access: 'Keep access while you are not using the app',
};

export interface ScopeDescription {
  scope: string;
  description: string;
}

export function describeScopes(scopes: readonly string[]): ScopeDescription[] {
  return scopes.map((scope) => ({ scope, description: DESCRIPTIONS[scope] ?? `Access “${scope}”` }));
}
