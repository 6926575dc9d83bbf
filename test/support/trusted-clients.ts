import { aClient } from './builders';
import { writeTempFile } from './policy-files';
import type { RegisteredClient, TestApp } from './test-app';

/**
 * Registration policies for RFC 9700 §4.11.2 tests: clients registered with the static initial
 * access token fall under "partners", which the operator marked trusted; anonymous registrations
 * fall under "anonymous", also marked trusted — which must not make them trusted; tokens minted
 * for "reviewed" admit clients of a policy that does not say trusted (the default).
 */
export const TRUST_POLICY = `
open_registration_policy: anonymous
initial_access_token_policy: partners
policies:
  anonymous: { trusted: true }
  partners: { trusted: true }
  reviewed: {}
`;

export const STATIC_INITIAL_ACCESS_TOKEN = 'partner-initial-access-token-0123456789';

/** createTestApp settings that load TRUST_POLICY and accept the static initial access token. */
export function trustPolicyEnv(): Record<string, string> {
  return { REGISTRATION_POLICY_FILE: writeTempFile('policy.yaml', TRUST_POLICY), REGISTRATION_INITIAL_ACCESS_TOKEN: STATIC_INITIAL_ACCESS_TOKEN };
}

/** Registers a client with an initial access token (by default the static one, policy "partners"). */
export async function registerWithToken(app: TestApp, body: Record<string, unknown> = {}, token = STATIC_INITIAL_ACCESS_TOKEN): Promise<RegisteredClient> {
  const response = await app.http.post('/register').auth(token, { type: 'bearer' }).send(aClient(body));
  if (response.status !== 201) throw new Error(`registration failed: ${response.status} ${JSON.stringify(response.body)}`);
  return response.body as RegisteredClient;
}
