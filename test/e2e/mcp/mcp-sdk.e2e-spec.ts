import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import type { OAuthClientProvider } from '@modelcontextprotocol/sdk/client/auth.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import type { AuthInfo } from '@modelcontextprotocol/sdk/server/auth/types.js';
import type { OAuthClientInformationMixed, OAuthClientMetadata, OAuthTokens } from '@modelcontextprotocol/sdk/shared/auth.js';
import { createRemoteJWKSet, decodeJwt, jwtVerify } from 'jose';
import { freePort } from '../../support/free-port';
import { createListeningTestApp, ListeningTestApp } from '../../support/listening-app';
import { aUser, Browser } from '../../support/oauth-flow';
import { writeTempFile } from '../../support/policy-files';

/**
 * An MCP server built with the MCP TypeScript SDK (Streamable HTTP), protected by Tessera: RFC 9728
 * metadata names Tessera as its authorization server, and it accepts only JWT access tokens whose
 * `aud` is its own URL (RFC 8707 §2, RFC 9068 §4), as the MCP authorization spec requires.
 */
class ProtectedMcpServer {
  private server?: Server;
  constructor(
    readonly url: string,
    private readonly issuer: string,
  ) {}

  get metadataUrl(): string {
    const { origin, pathname } = new URL(this.url);
    // RFC 9728 §3.1: the well-known suffix goes between the host and the resource's path
    return `${origin}/.well-known/oauth-protected-resource${pathname}`;
  }

  async listen(port: number): Promise<void> {
    const jwks = createRemoteJWKSet(new URL(`${this.issuer}/jwks.json`));
    this.server = createServer((req, res) => void this.handle(req, res, jwks));
    await new Promise<void>((resolve) => this.server!.listen(port, '127.0.0.1', resolve));
  }

  close(): Promise<void> {
    return new Promise((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  private async handle(req: IncomingMessage, res: ServerResponse, jwks: ReturnType<typeof createRemoteJWKSet>): Promise<void> {
    const path = new URL(req.url ?? '/', this.url).pathname;
    if (req.method === 'GET' && path === new URL(this.metadataUrl).pathname) {
      // RFC 9728 §2–3.2: the resource identifier and the authorization server that issues its tokens
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ resource: this.url, authorization_servers: [this.issuer], scopes_supported: ['mcp:tools'], bearer_methods_supported: ['header'] }));
      return;
    }
    if (path !== new URL(this.url).pathname) {
      res.writeHead(404).end();
      return;
    }
    const auth = await this.verify(req.headers.authorization, jwks);
    if (!auth) {
      // RFC 9728 §5.1 / RFC 6750 §3: the challenge names the resource metadata
      res.writeHead(401, { 'www-authenticate': `Bearer error="invalid_token", resource_metadata="${this.metadataUrl}"` }).end();
      return;
    }
    // Stateless Streamable HTTP: one server and transport per request (the SDK README's stateless pattern)
    const mcp = new McpServer({ name: 'tessera-test-mcp', version: '1.0.0' });
    mcp.registerTool('whoami', { description: 'The subject and audience of the caller\'s access token' }, (extra) => ({
      content: [{ type: 'text', text: JSON.stringify({ sub: extra.authInfo?.extra?.sub, aud: extra.authInfo?.resource?.href }) }],
    }));
    const transport = new StreamableHTTPServerTransport({ sessionIdGenerator: undefined, enableJsonResponse: true });
    res.on('close', () => void transport.close().then(() => mcp.close()));
    await mcp.connect(transport);
    await transport.handleRequest(Object.assign(req, { auth }), res);
  }

  /** RFC 9068 §4: signature from the issuer's JWKS, `iss`, and `aud` exactly this server's URL. */
  async verify(header: string | undefined, jwks: ReturnType<typeof createRemoteJWKSet>): Promise<AuthInfo | undefined> {
    const token = /^Bearer (\S+)$/.exec(header ?? '')?.[1];
    if (!token) return undefined;
    try {
      const { payload } = await jwtVerify(token, jwks, { issuer: this.issuer, audience: this.url, typ: 'at+jwt' });
      return {
        token,
        clientId: String(payload.client_id),
        scopes: String(payload.scope ?? '').split(' '),
        expiresAt: payload.exp,
        resource: new URL(this.url),
        extra: { sub: payload.sub },
      };
    } catch {
      return undefined;
    }
  }
}

/** An MCP client's OAuth state in memory; the user's browser is driven in redirectToAuthorization. */
class InMemoryOAuthProvider implements OAuthClientProvider {
  registered?: OAuthClientInformationMixed;
  saved?: OAuthTokens;
  verifier = '';
  authorizationCode?: string;
  authorizationUrl?: URL;

  constructor(
    private readonly app: ListeningTestApp,
    private readonly browser: Browser,
    readonly redirectUrl: string,
  ) {}

  get clientMetadata(): OAuthClientMetadata {
    return {
      client_name: 'MCP SDK test client',
      redirect_uris: [this.redirectUrl],
      grant_types: ['authorization_code', 'refresh_token'],
      response_types: ['code'],
      token_endpoint_auth_method: 'none',
    };
  }

  clientInformation(): OAuthClientInformationMixed | undefined {
    return this.registered;
  }

  saveClientInformation(information: OAuthClientInformationMixed): void {
    this.registered = information;
  }

  tokens(): OAuthTokens | undefined {
    return this.saved;
  }

  saveTokens(tokens: OAuthTokens): void {
    this.saved = tokens;
  }

  saveCodeVerifier(verifier: string): void {
    this.verifier = verifier;
  }

  codeVerifier(): string {
    return this.verifier;
  }

  /** The user: /authorize → HTML login → HTML consent (Allow) → the redirect carrying the code. */
  async redirectToAuthorization(url: URL): Promise<void> {
    this.authorizationUrl = url;
    let response = await this.browser.get(`${url.pathname}${url.search}`);
    if (response.status === 303 && response.headers.location.startsWith('/login')) {
      const login = await this.browser.login(response.headers.location, 'alice');
      response = await this.browser.get(login.headers.location);
    }
    if (response.status === 200 && response.text.includes('action="/authorize/decision"')) {
      const start = response.text.indexOf('action="/authorize/decision"');
      const form = response.text.slice(start, response.text.indexOf('</form>', start));
      // Repeats kept (resource), entities undone
      const fields = [...form.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)">/g)].map(([, name, value]): [string, string] => [name, value.replace(/&amp;/g, '&')]);
      const body = new URLSearchParams([...fields, ['decision', 'allow']]).toString();
      response = this.browser.jar.capture(await this.app.http.post('/authorize/decision').type('form').set('Cookie', this.browser.jar.header()).send(body));
    }
    const location = response.status === 303 ? new URL(response.headers.location) : undefined;
    const code = location?.searchParams.get('code');
    if (!code) throw new Error(`authorization did not return a code: ${response.status} ${response.headers.location ?? response.text.slice(0, 300)}`);
    this.authorizationCode = code;
  }
}

/**
 * The MCP TypeScript SDK client end to end against Tessera: RFC 9728 → RFC 8414 discovery → RFC 7591
 * registration → authorization code + PKCE S256 (RFC 7636) with RFC 8707 `resource` → token → MCP.
 */
describe('MCP SDK client and server with Tessera (RFC 9728, RFC 8414, RFC 7591, RFC 7636, RFC 8707 §2, RFC 9068 §4)', () => {
  let app: ListeningTestApp;
  let mcp: ProtectedMcpServer;
  let redirectUrl: string;

  beforeAll(async () => {
    const mcpPort = await freePort();
    const mcpUrl = `http://127.0.0.1:${mcpPort}/mcp`;
    const resources = `resources:\n  - uri: ${mcpUrl}\n    name: Test MCP server\n    scopes: [mcp:tools]\n`;
    app = await createListeningTestApp({ LOGIN_BCRYPT_COST: '10', OAUTH_RESOURCES_FILE: writeTempFile('mcp-resources.yaml', resources) });
    mcp = new ProtectedMcpServer(mcpUrl, app.baseUrl);
    await mcp.listen(mcpPort);
    // Nothing listens there: the provider reads the code from Tessera's redirect
    redirectUrl = `http://127.0.0.1:${await freePort()}/callback`;
  });
  beforeEach(async () => {
    await app.resetDatabase();
    await aUser(app, 'alice');
  });
  afterAll(async () => {
    await mcp?.close();
    await app?.close();
  });

  it('RFC 8707 §2 + RFC 9068 §4: the SDK registers, authorizes with resource = the MCP server, lists and calls a tool; aud is the MCP server URL', async () => {
    const provider = new InMemoryOAuthProvider(app, new Browser(app), redirectUrl);
    const client = new Client({ name: 'tessera-e2e', version: '1.0.0' });

    // First connect: 401 from the MCP server → discovery → registration → redirectToAuthorization
    const first = new StreamableHTTPClientTransport(new URL(mcp.url), { authProvider: provider });
    await expect(client.connect(first)).rejects.toThrow(/unauthorized/i);
    expect(provider.registered?.client_id).toEqual(expect.any(String));
    const authorize = provider.authorizationUrl!;
    expect(authorize.origin).toBe(app.baseUrl);
    expect(authorize.searchParams.get('resource')).toBe(mcp.url);
    expect(authorize.searchParams.get('code_challenge_method')).toBe('S256');

    await first.finishAuth(provider.authorizationCode!);
    const accessToken = provider.saved!.access_token;
    const claims = decodeJwt(accessToken);
    expect(claims.aud).toBe(mcp.url);
    expect(claims.iss).toBe(app.baseUrl);
    expect(claims.client_id).toBe(provider.registered!.client_id);
    expect(String(claims.scope).split(' ')).toContain('mcp:tools');

    await client.connect(new StreamableHTTPClientTransport(new URL(mcp.url), { authProvider: provider }));
    const { tools } = await client.listTools();
    expect(tools.map((tool) => tool.name)).toEqual(['whoami']);
    const result = await client.callTool({ name: 'whoami', arguments: {} });
    const [content] = result.content as { type: string; text: string }[];
    expect(JSON.parse(content.text)).toEqual({ sub: claims.sub, aud: mcp.url });
    await client.close();
  });

  it('RFC 8707 §2 / RFC 9068 §4: a Tessera token for another audience (here the issuer, the default audience) is refused by the MCP server with 401', async () => {
    const service = await app.registerClient({ grant_types: ['client_credentials'], redirect_uris: [], scope: 'email' });
    const basic = `Basic ${Buffer.from(`${service.client_id}:${service.client_secret}`).toString('base64')}`;
    const other = await app.http.post('/token').type('form').set('Authorization', basic).send({ grant_type: 'client_credentials', resource: app.baseUrl });
    expect(other.status).toBe(200);
    expect(decodeJwt(other.body.access_token).aud).toBe(app.baseUrl);

    const initialize = { jsonrpc: '2.0', id: 1, method: 'initialize', params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'raw', version: '1' } } };
    const headers = { 'content-type': 'application/json', accept: 'application/json, text/event-stream' };
    const refused = await fetch(mcp.url, { method: 'POST', headers: { ...headers, authorization: `Bearer ${other.body.access_token}` }, body: JSON.stringify(initialize) });
    expect(refused.status).toBe(401);
    expect(refused.headers.get('www-authenticate')).toContain(`resource_metadata="${mcp.metadataUrl}"`);

    // The same client, the same server, the MCP server as the audience: accepted (the check is the audience)
    const own = await app.http.post('/token').type('form').set('Authorization', basic).send({ grant_type: 'client_credentials', resource: mcp.url });
    expect(own.status).toBe(200);
    const accepted = await fetch(mcp.url, { method: 'POST', headers: { ...headers, authorization: `Bearer ${own.body.access_token}` }, body: JSON.stringify(initialize) });
    expect(accepted.status).toBe(200);
  });
});
