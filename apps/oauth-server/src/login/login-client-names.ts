/**
 * The name of the app a login page is for, so the page can say "to continue to <app>". The login
 * module depends on no feature module; the composition root provides this from the clients module
 * (login-client-names.module.ts). `trusted`: the operator vouched for the client
 * (docs/registration-policies.md); anyone can register any name, so an unvouched one is labelled.
 */
export abstract class LoginClientNames {
  abstract describe(clientId: string): Promise<{ name: string; trusted: boolean } | null>;
}

/** The client_id of an /authorize request the login page will return to, if that is where it goes. */
export function returnToClientId(returnTo: string): string | undefined {
  if (!returnTo.startsWith('/authorize?')) return undefined;
  const clientId = new URLSearchParams(returnTo.slice('/authorize?'.length)).get('client_id');
  return clientId && clientId.length <= 200 ? clientId : undefined;
}
