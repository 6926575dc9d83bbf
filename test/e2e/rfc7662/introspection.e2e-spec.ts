import { runCli } from '../../../apps/oauth-server/src/cli/run-cli';
import { ClientsService } from '../../../apps/oauth-server/src/clients/clients.service';
import { aUser, basicAuth, Browser } from '../../support/oauth-flow';
import { createTestApp, RegisteredClient, TestApp } from '../../support/test-app';
import { aCode, exchangeCode } from '../../support/token-helpers';

/**
 * RFC 7662 §2.1: the endpoint MUST require authorization; §4: it "MUST be protected" so that a
 * client cannot scan for other clients' tokens. Anyone can register (RFC 7591), so authentication
 * alone proves nothing: a client introspects the tokens issued to it; only a resource server the
 * operator allowed (`clients:allow-introspection`) sees every token.
 */
describe('RFC 7662 §2.1 / §4 Introspection: who may learn about which token', () => {
  let app: TestApp;
  let owner: RegisteredClient;
  let other: RegisteredClient;
  let tokens: { access_token: string; refresh_token: string };
  beforeAll(async () => (app = await createTestApp({ LOGIN_BCRYPT_COST: '10' })));
  beforeEach(async () => {
    await app.resetDatabase();
    owner = await app.registerClient({ grant_types: ['authorization_code', 'refresh_token'] });
    other = await app.registerClient();
    await aUser(app, 'alice');
    const response = await exchangeCode(app, owner, await aCode(app, new Browser(app), owner, 'alice'));
    expect(response.status).toBe(200);
    tokens = response.body;
  });
  afterAll(() => app.close());

  const introspect = (as: RegisteredClient, token: string) =>
    app.http.post('/introspect').set('Authorization', basicAuth(as)).type('form').send({ token });

  it('RFC 7662 §2.2: the client the tokens were issued to sees them active', async () => {
    expect((await introspect(owner, tokens.access_token)).body).toMatchObject({ active: true, client_id: owner.client_id, token_type: 'Bearer' });
    expect((await introspect(owner, tokens.refresh_token)).body).toMatchObject({ active: true, client_id: owner.client_id, token_type: 'refresh_token' });
  });

  it.each(['access_token', 'refresh_token'] as const)("RFC 7662 §4: another registered client gets {active:false} for the owner's %s, as for an unknown token", async (kind) => {
    const res = await introspect(other, tokens[kind]);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ active: false });
    expect(res.body).toEqual((await introspect(other, 'no-such-token')).body);
    // Asking did not spend or revoke the token.
    expect((await introspect(owner, tokens[kind])).body.active).toBe(true);
  });

  it('RFC 7662 §4: a resource server the operator allowed introspects every token; withdrawn, it sees none again', async () => {
    const clients = app.app.get(ClientsService);
    expect(await clients.setIntrospectionAllowed(other.client_id, true)).toBe(true);
    expect((await introspect(other, tokens.access_token)).body).toMatchObject({ active: true, client_id: owner.client_id, sub: expect.any(String) });
    expect((await introspect(other, tokens.refresh_token)).body).toMatchObject({ active: true, client_id: owner.client_id });
    expect(await clients.setIntrospectionAllowed(other.client_id, false)).toBe(true);
    expect((await introspect(other, tokens.access_token)).body).toEqual({ active: false });
  });

  it('RFC 7662 §4: the operator grants and withdraws it with clients:allow-introspection / clients:deny-introspection', async () => {
    const lines: string[] = [];
    const cli = (argv: string[]) => runCli(argv, app.config, { out: (line) => lines.push(line), err: (line) => lines.push(line) });
    expect(await cli(['clients:allow-introspection', other.client_id])).toBe(0);
    expect((await introspect(other, tokens.access_token)).body).toMatchObject({ active: true, client_id: owner.client_id });
    expect(await cli(['clients:show', other.client_id, '--json'])).toBe(0);
    expect(JSON.parse(lines[lines.length - 1])).toMatchObject({ introspection_allowed: true });
    expect(await cli(['clients:deny-introspection', other.client_id, '--json'])).toBe(0);
    expect(JSON.parse(lines[lines.length - 1])).toEqual({ client_id: other.client_id, introspection_allowed: false });
    expect((await introspect(other, tokens.access_token)).body).toEqual({ active: false });
    expect(await cli(['clients:allow-introspection', 'no-such-client'])).toBe(1);
  });

  it('RFC 7662 §4: the permission is per client — allowing one resource server does not widen what the others see', async () => {
    const third = await app.registerClient();
    await app.app.get(ClientsService).setIntrospectionAllowed(other.client_id, true);
    expect((await introspect(third, tokens.access_token)).body).toEqual({ active: false });
  });
});
