import { loadConfig } from '@app/config';
import { aUser, Browser } from '../../support/oauth-flow';
import { writeTempFile } from '../../support/policy-files';
import { createTestApp, RegisteredClient, TestApp } from '../../support/test-app';
import { audienceOf, authorize, codeOf, exchange, token } from './resource-flow';

const MCP = 'https://mcp.example.com/mcp';
const FILES = 'https://files.example.net/';

const RESOURCES = `
resources:
  - uri: ${MCP}
    name: Example MCP server
    scopes: [mcp:tools, mcp:resources]
    access_token_ttl_seconds: 120
  - uri: ${FILES}
    name: File store
    scopes: [files:read]
`;

/** OAUTH_RESOURCES_FILE declares the protected resources; by default only those are accepted. */
describe('RFC 8707 §2 with declared protected resources (OAUTH_RESOURCES_FILE)', () => {
  let app: TestApp;
  let client: RegisteredClient;
  let browser: Browser;
  beforeAll(async () => (app = await createTestApp({ LOGIN_BCRYPT_COST: '10', OAUTH_RESOURCES_FILE: writeTempFile('resources.yaml', RESOURCES) })));
  beforeEach(async () => {
    await app.resetDatabase();
    await aUser(app, 'alice');
    // Registered with openid profile only: the resource scopes come with the resource
    client = await app.registerClient({ grant_types: ['authorization_code', 'refresh_token'], scope: 'openid profile' });
    browser = new Browser(app);
  });
  afterAll(() => app.close());

  it('RFC 8707 §2: a resource the server does not know → invalid_target at /authorize', async () => {
    const { response } = await authorize(app, browser, client, ['https://unknown.example.org/api']);
    expect(response.status).toBe(400);
    expect(response.text).toContain('invalid_target');
  });

  it('RFC 8707 §2: a resource the server does not know → 400 invalid_target at /token (client_credentials)', async () => {
    const service = await app.registerClient({ grant_types: ['client_credentials'], redirect_uris: [], scope: 'files:read' });
    const unknown = await token(app, service, [['grant_type', 'client_credentials'], ['resource', 'https://unknown.example.org/api']]);
    expect(unknown.status).toBe(400);
    expect(unknown.body.error).toBe('invalid_target');
    const known = await token(app, service, [['grant_type', 'client_credentials'], ['resource', FILES], ['scope', 'files:read']]);
    expect(known.status).toBe(200);
    expect(audienceOf(known.body.access_token)).toBe(FILES);
  });

  it('RFC 6749 §4.4.2: client_credentials gets only registered scopes, never a resource\'s scopes it did not register (no user consents)', async () => {
    const service = await app.registerClient({ grant_types: ['client_credentials'], redirect_uris: [], scope: 'files:read' });
    const res = await token(app, service, [['grant_type', 'client_credentials'], ['resource', MCP], ['scope', 'mcp:tools']]);
    expect(res.status).toBe(400);
    expect(res.body.error).toBe('invalid_scope');
  });

  it('RFC 8414 §2: scopes_supported lists the scopes the declared resources define', async () => {
    const metadata = await app.http.get('/.well-known/oauth-authorization-server');
    expect(metadata.body.scopes_supported).toEqual(expect.arrayContaining(['openid', 'mcp:tools', 'mcp:resources', 'files:read']));
  });

  it('RFC 8707 §2.1: a scope the requested resource defines may be requested with it; the token carries it and aud', async () => {
    const { response, verifier } = await authorize(app, browser, client, [MCP], { scope: 'openid mcp:tools' });
    const res = await exchange(app, client, codeOf(response), verifier);
    expect(res.status).toBe(200);
    expect(res.body.scope).toBe('openid mcp:tools');
    expect(audienceOf(res.body.access_token)).toBe(MCP);
  });

  it('RFC 6749 §3.3: a resource scope requested without its resource is not granted to a client that did not register it', async () => {
    const { response, verifier } = await authorize(app, browser, client, [FILES], { scope: 'openid mcp:tools' });
    // Refused (invalid_scope) or ignored (OIDC Core §3.1.2.1): either way the token never carries it
    if (response.status === 400) {
      expect(response.text).toContain('invalid_scope');
    } else {
      const res = await exchange(app, client, codeOf(response), verifier);
      expect(res.body.scope.split(' ')).not.toContain('mcp:tools');
    }
  });

  it('RFC 6749 §5.1 expires_in: access_token_ttl_seconds of a declared resource sets the lifetime of its tokens', async () => {
    const { response, verifier } = await authorize(app, browser, client, [MCP], { scope: 'openid' });
    const res = await exchange(app, client, codeOf(response), verifier);
    expect(res.body.expires_in).toBe(120);
  });

  it('RFC 6749 §4.1 (B): consent names the resource (display name and host) the app will use on the user\'s behalf', async () => {
    const { consentPage } = await authorize(app, browser, client, [MCP], { scope: 'openid', allow: false });
    expect(consentPage).toContain('Example MCP server');
    expect(consentPage).toContain('mcp.example.com');
  });

  it('RFC 6749 §4.1 (B): consent is remembered per client and resource: the same resource needs no new decision, another resource does', async () => {
    const first = await authorize(app, browser, client, [MCP], { scope: 'openid' });
    expect(first.consentPage).toBeDefined();
    codeOf(first.response);
    const again = await authorize(app, browser, client, [MCP], { scope: 'openid' });
    expect(again.consentPage).toBeUndefined();
    codeOf(again.response);
    const other = await authorize(app, browser, client, [FILES], { scope: 'openid', allow: false });
    expect(other.consentPage).toContain('File store');
    // Nor does consent without a resource (the default audience) cover a resource
    const plain = new Browser(app);
    const withoutResource = await authorize(app, plain, client, [], { scope: 'openid' });
    codeOf(withoutResource.response);
    const thenResource = await authorize(app, plain, client, [FILES], { scope: 'openid', allow: false });
    expect(thenResource.consentPage).toBeDefined();
  });

  it('RFC 8707 §2: start-up refuses a declared resource URI with a fragment, naming the key', () => {
    const bad = writeTempFile('bad.yaml', 'resources:\n  - uri: "https://x.example/#frag"\n    name: X\n');
    expect(() => loadConfig({ OAUTH_RESOURCES_FILE: bad })).toThrow(/resources\[0\]\.uri/);
  });
});
