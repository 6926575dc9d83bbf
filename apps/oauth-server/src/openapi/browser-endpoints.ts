import type { OpenAPIObject } from '@nestjs/swagger';

type Operation = Record<string, unknown>;

const BROWSER_TAG = 'Browser pages';
export const BROWSER_TAG_DESCRIPTION =
  'HTML pages and redirects for people in a browser: open them in a browser tab, not with "Try it out" ' +
  '(their forms carry a CSRF token and a session cookie). The whole flow: docs/authorization-code-flow.md.';

const HTML = { 'text/html': { schema: { type: 'string' } } };
const FORM = 'application/x-www-form-urlencoded';

const AUTHORIZE_PARAMETERS: Array<[string, boolean, string]> = [
  ['response_type', true, 'code (RFC 6749 §4.1.1; the only response type)'],
  ['client_id', true, 'The registered client_id'],
  ['redirect_uri', false, 'One of the registered redirect_uris, exactly; required when the client registered more than one (RFC 6749 §3.1.2.3)'],
  ['scope', false, 'Space-separated, e.g. openid profile email'],
  ['state', false, 'Returned unchanged with the code or error (RFC 6749 §4.1.1); recommended against CSRF'],
  ['code_challenge', true, 'RFC 7636 §4.2: BASE64URL(SHA-256(code_verifier)); required unless OAUTH_PKCE_REQUIRED=public and the client is confidential'],
  ['code_challenge_method', true, 'S256 (RFC 7636 §4.3; plain is refused)'],
  ['nonce', false, 'OIDC Core §3.1.2.1: copied into the ID token'],
  ['prompt', false, 'none, login or consent (OIDC Core §3.1.2.1)'],
];

const AUTHORIZE_RESPONSES = {
  '303': {
    description:
      'RFC 6749 §4.1.2: to the redirect_uri with code and state; §4.1.2.1: with error and state once client and redirect URI are verified; ' +
      'or to /login when nobody is signed in.',
  },
  '200': { description: 'The consent page (HTML) when the user has not yet allowed this client these scopes.', content: HTML },
  '400': { description: 'An HTML error page when the client_id or redirect_uri cannot be trusted: the server never redirects to an unverified URI (RFC 6749 §4.1.2.1).', content: HTML },
};

function authorizeOperation(method: 'get' | 'post'): Operation {
  const summary = `RFC 6749 §4.1.1 Authorization Request (${method.toUpperCase()}${method === 'post' ? ', OIDC Core §3.1.2.1' : ''})`;
  const base: Operation = {
    tags: [BROWSER_TAG],
    summary,
    description:
      'Starts the authorization-code flow with PKCE: the user signs in (/login), consents, and the browser returns to the client with a code ' +
      'to exchange at POST /token. Open it in a browser; the README has a copy-paste walk-through.',
    responses: AUTHORIZE_RESPONSES,
  };
  if (method === 'get') {
    return {
      ...base,
      parameters: AUTHORIZE_PARAMETERS.map(([name, required, description]) => ({ name, in: 'query', required, description, schema: { type: 'string' } })),
    };
  }
  return {
    ...base,
    requestBody: {
      required: true,
      content: {
        [FORM]: {
          schema: {
            type: 'object',
            required: AUTHORIZE_PARAMETERS.filter(([, required]) => required).map(([name]) => name),
            properties: Object.fromEntries(AUTHORIZE_PARAMETERS.map(([name, , description]) => [name, { type: 'string', description }])),
          },
        },
      },
    },
  };
}

function formOperation(summary: string, description: string, properties: Record<string, string>, responses: Record<string, unknown>): Operation {
  return {
    tags: [BROWSER_TAG],
    summary,
    description,
    requestBody: {
      required: true,
      content: {
        [FORM]: {
          schema: {
            type: 'object',
            properties: Object.fromEntries(Object.entries(properties).map(([name, text]) => [name, { type: 'string', description: text }])),
          },
        },
      },
    },
    responses,
  };
}

/**
 * The endpoints that serve people, not programs (their controllers are left out of the generated
 * document because they render HTML): described so that the OpenAPI document lists every route.
 */
export const BROWSER_PATHS: Record<string, Record<string, Operation>> = {
  '/authorize': { get: authorizeOperation('get'), post: authorizeOperation('post') },
  '/authorize/decision': {
    post: formOperation(
      'The consent form’s answer',
      'Posted by the consent page. allow → redirect with a code (RFC 6749 §4.1.2); deny → redirect with error=access_denied (RFC 6749 §4.1.2.1).',
      { decision: 'allow or deny', csrf_token: 'From the consent page', client_id: 'Carried from the authorization request' },
      {
        '303': { description: 'To the client’s redirect_uri with code or error, and state.' },
        '403': { description: 'HTML: the form expired or did not come from this site (CSRF).', content: HTML },
      },
    ),
  },
  '/login': {
    get: {
      tags: [BROWSER_TAG],
      summary: 'The sign-in page',
      description: 'Shown by /authorize when nobody is signed in. Users are created with `npm run cli -- users:create` (or LOGIN_DEMO_USER=true).',
      parameters: [{ name: 'return_to', in: 'query', required: false, description: 'A same-site path to go back to after signing in', schema: { type: 'string' } }],
      responses: { '200': { description: 'The sign-in form (HTML).', content: HTML } },
    },
    post: formOperation(
      'Sign in',
      'Checks the password (bcrypt), starts a session cookie and goes back to return_to. Failed attempts are throttled per username and address.',
      { username: 'The user name', password: 'The password', csrf_token: 'From the sign-in page', return_to: 'Where to go next' },
      {
        '303': { description: 'Signed in: to return_to (usually back to /authorize).' },
        '400': { description: 'HTML: the sign-in form again, username or password missing.', content: HTML },
        '401': { description: 'HTML: the sign-in form again, wrong username or password.', content: HTML },
        '403': { description: 'HTML: the form expired (CSRF); sign in again.', content: HTML },
        '429': { description: 'HTML: too many failed attempts (LOGIN_THROTTLE_MAX_FAILURES).', content: HTML },
        '503': { description: 'HTML: too many sign-ins at once; Retry-After says when to try again.', content: HTML },
      },
    ),
  },
  '/logout': {
    post: formOperation(
      'Sign out',
      'Ends the session (the session cookie stops working at once).',
      { csrf_token: 'From the page that offered the button' },
      { '200': { description: 'HTML: signed out.', content: HTML }, '403': { description: 'HTML: the form expired (CSRF).', content: HTML } },
    ),
  },
  '/account': {
    get: {
      tags: [BROWSER_TAG],
      summary: 'The user’s account page: apps they allowed',
      description: 'Lists the clients the signed-in user has consented to, with a button to revoke each (POST /account/apps/revoke).',
      responses: { '200': { description: 'HTML.', content: HTML }, '303': { description: 'To /login when nobody is signed in.' } },
    },
  },
  '/account/apps/revoke': {
    post: formOperation(
      'Revoke an app’s access',
      'Forgets the consent and revokes the refresh tokens this user gave the client.',
      { client_id: 'The client to revoke', csrf_token: 'From the account page' },
      { '303': { description: 'Back to /account.' }, '403': { description: 'HTML: the form expired (CSRF).', content: HTML } },
    ),
  },
};

/** Prometheus scrape endpoint: described, not for people or Try it out (restrict it at the load balancer, docs/operations.md). */
export const OPERATIONS_PATHS: Record<string, Record<string, Operation>> = {
  '/metrics': {
    get: {
      tags: ['Operations'],
      summary: 'Prometheus metrics (text exposition format 0.0.4)',
      description: 'Request counts and latencies, token and registration counters, worker-pool and database-pool gauges. Restrict it to your scraper at the load balancer (docs/operations.md).',
      responses: { '200': { description: 'Prometheus text format.', content: { 'text/plain': { schema: { type: 'string' } } } } },
    },
  },
};

/** Adds the browser pages and /metrics to a generated document. */
export function addUndecoratedPaths(document: OpenAPIObject): OpenAPIObject {
  for (const [path, operations] of Object.entries({ ...BROWSER_PATHS, ...OPERATIONS_PATHS })) {
    document.paths[path] = { ...(document.paths[path] ?? {}), ...operations };
  }
  document.tags = [...(document.tags ?? []), { name: BROWSER_TAG, description: BROWSER_TAG_DESCRIPTION }];
  return document;
}
