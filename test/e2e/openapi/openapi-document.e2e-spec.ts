import { Validator } from '@seriousme/openapi-schema-validator';
import { createTestApp, TestApp } from '../../support/test-app';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/** The named examples of one response status, as { name: body }. */
function errorExamples(operation: Json, status: string): Record<string, Json> {
  const examples = operation.responses[status]?.content?.['application/json']?.examples ?? {};
  return Object.fromEntries(Object.entries(examples as Record<string, Json>).map(([name, example]) => [name, example.value]));
}

describe('OpenAPI document (/docs-json) and Swagger UI (/docs)', () => {
  let app: TestApp;
  let doc: Json;
  beforeAll(async () => {
    app = await createTestApp();
    doc = (await app.http.get('/docs-json')).body;
  });
  beforeEach(() => app.resetDatabase());
  afterAll(() => app.close());

  it('is a valid OpenAPI document (the official OpenAPI JSON schema, through @seriousme/openapi-schema-validator)', async () => {
    const validator = new Validator();
    const result = await validator.validate(structuredClone(doc));
    expect(result.errors ?? []).toEqual([]);
    expect(result.valid).toBe(true);
  });

  it('defines every security scheme an operation uses; opaque tokens are not bearerFormat JWT', () => {
    const defined = Object.keys(doc.components.securitySchemes);
    for (const [path, operations] of Object.entries(doc.paths as Record<string, Json>)) {
      for (const [method, operation] of Object.entries(operations as Record<string, Json>)) {
        for (const requirement of operation.security ?? []) {
          for (const scheme of Object.keys(requirement)) expect({ path, method, scheme, defined: defined.includes(scheme) }).toMatchObject({ defined: true });
        }
      }
    }
    const schemes = doc.components.securitySchemes;
    expect(schemes['client-basic']).toMatchObject({ type: 'http', scheme: 'basic' });
    expect(schemes['access-token']).toMatchObject({ type: 'http', scheme: 'bearer', bearerFormat: 'JWT' });
    for (const opaque of ['registration-access-token', 'initial-access-token']) {
      expect(schemes[opaque]).toMatchObject({ type: 'http', scheme: 'bearer' });
      expect(schemes[opaque]).not.toHaveProperty('bearerFormat');
    }
  });

  it('RFC 6749 §2.3.1: /token, /revoke and /introspect take HTTP Basic or the form parameters; /userinfo an access token', () => {
    for (const path of ['/token', '/revoke', '/introspect']) {
      expect(doc.paths[path].post.security).toEqual(expect.arrayContaining([{ 'client-basic': [] }, {}]));
    }
    for (const method of ['get', 'post']) expect(doc.paths['/userinfo'][method].security).toEqual([{ 'access-token': [] }]);
    // RFC 7591 §3: the initial access token is optional in open registration
    expect(doc.paths['/register'].post.security).toEqual(expect.arrayContaining([{ 'initial-access-token': [] }, {}]));
  });

  it('RFC 7591 §3.1: every named /register example registers as it stands (201), the first being a web client', async () => {
    const examples = doc.paths['/register'].post.requestBody.content['application/json'].examples as Record<string, Json>;
    expect(Object.keys(examples)).toEqual(['web', 'native', 'service']);
    for (const [name, example] of Object.entries(examples)) {
      const res = await app.http.post('/register').send(example.value);
      expect({ name, status: res.status, body: res.body }).toMatchObject({ name, status: 201 });
    }
  });

  it('RFC 7592 §2.2: the update examples succeed once client_id (and client_secret) are the registered ones', async () => {
    const examples = doc.paths['/register/{clientId}'].put.requestBody.content['application/json'].examples as Record<string, Json>;
    const registerExamples = doc.paths['/register'].post.requestBody.content['application/json'].examples as Record<string, Json>;
    const registered = { rename: registerExamples.web.value, public_client: registerExamples.native.value };
    for (const [name, example] of Object.entries(examples)) {
      const reg = (await app.http.post('/register').send(registered[name as keyof typeof registered])).body;
      const body = { ...example.value, client_id: reg.client_id, ...(example.value.client_secret ? { client_secret: reg.client_secret } : {}) };
      const res = await app.http.put(`/register/${reg.client_id}`).auth(reg.registration_access_token, { type: 'bearer' }).send(body);
      expect({ name, status: res.status, body: res.body }).toMatchObject({ name, status: 200 });
    }
  });

  it('each error status of /register* has its own examples, and they are the bodies the server sends', async () => {
    const register = doc.paths['/register'].post;
    const read = doc.paths['/register/{clientId}'].get;
    const update = doc.paths['/register/{clientId}'].put;
    // Different statuses document different bodies, not one shared example.
    expect(errorExamples(register, '400')).not.toEqual(errorExamples(register, '415'));
    expect(Object.values(errorExamples(read, '401')).map((body) => body.error)).toEqual(expect.arrayContaining(['invalid_token']));
    expect(Object.values(errorExamples(read, '403')).map((body) => body.error)).toEqual(['insufficient_scope']);

    // RFC 7591 §3.2.2: replay the documented errors and compare bodies.
    const badRedirect = await app.http.post('/register').send({ redirect_uris: ['http://app.example.com/callback'] });
    expect(badRedirect.status).toBe(400);
    expect(Object.values(errorExamples(register, '400'))).toContainEqual(badRedirect.body);
    const implicit = await app.http.post('/register').send({ redirect_uris: ['https://app.example.com/cb'], grant_types: ['implicit'] });
    expect(Object.values(errorExamples(register, '400'))).toContainEqual(implicit.body);
    const malformed = await app.http.post('/register').set('Content-Type', 'application/json').send('{"redirect_uris":');
    expect(Object.values(errorExamples(register, '400'))).toContainEqual(malformed.body);
    const notJson = await app.http.post('/register').set('Content-Type', 'text/plain').send('hello');
    expect(notJson.status).toBe(415);
    expect(Object.values(errorExamples(register, '415'))).toContainEqual(notJson.body);
    const tooLarge = await app.http.post('/register').send({ client_name: 'x'.repeat(70000) });
    expect(tooLarge.status).toBe(413);
    expect(Object.values(errorExamples(register, '413'))).toContainEqual(tooLarge.body);

    // RFC 7592 §2 / RFC 6750 §3.1
    const reg = await app.registerClient();
    const wrongToken = await app.http.get(`/register/${reg.client_id}`).auth('not-the-token', { type: 'bearer' });
    expect(wrongToken.status).toBe(401);
    expect(Object.values(errorExamples(read, '401'))).toContainEqual(wrongToken.body);
    const mismatch = await app.http
      .put(`/register/${reg.client_id}`)
      .auth(reg.registration_access_token, { type: 'bearer' })
      .send({ client_id: 'another', client_secret: reg.client_secret, redirect_uris: reg.redirect_uris });
    expect(Object.values(errorExamples(update, '400'))).toContainEqual(mismatch.body);
    await app.dataSource.query(`UPDATE clients SET self_service = 'read-only' WHERE client_id = $1`, [reg.client_id]);
    const locked = await app.http
      .put(`/register/${reg.client_id}`)
      .auth(reg.registration_access_token, { type: 'bearer' })
      .send({ client_id: reg.client_id, client_secret: reg.client_secret, redirect_uris: reg.redirect_uris });
    expect(locked.status).toBe(403);
    expect(Object.values(errorExamples(update, '403'))).toContainEqual(locked.body);
  });

  it('RFC 6749 §5.2: the token endpoint documents the bodies it sends for 400 and 401', async () => {
    const token = doc.paths['/token'].post;
    const unsupported = await app.http.post('/token').type('form').send({ grant_type: 'password' });
    expect(unsupported.status).toBe(401); // client authentication comes first
    expect(Object.values(errorExamples(token, '401'))).toContainEqual(unsupported.body);
    const web = await app.registerClient();
    const basic = { user: web.client_id, pass: web.client_secret as string };
    const password = await app.http.post('/token').auth(basic.user, basic.pass).type('form').send({ grant_type: 'password' });
    expect(Object.values(errorExamples(token, '400'))).toContainEqual(password.body);
    const notRegistered = await app.http.post('/token').auth(basic.user, basic.pass).type('form').send({ grant_type: 'client_credentials' });
    expect(Object.values(errorExamples(token, '400'))).toContainEqual(notRegistered.body);
    const code = await app.http.post('/token').auth(basic.user, basic.pass).type('form').send({ grant_type: 'authorization_code', code: 'x' });
    expect(Object.values(errorExamples(token, '400'))).toContainEqual(code.body);
    const notForm = await app.http.post('/token').auth(basic.user, basic.pass).send({ grant_type: 'client_credentials' });
    expect(Object.values(errorExamples(token, '400'))).toContainEqual(notForm.body);
    const wrongSecret = await app.http.post('/token').auth(basic.user, 'wrong').type('form').send({ grant_type: 'client_credentials' });
    expect(Object.values(errorExamples(token, '401'))).toContainEqual(wrongSecret.body);
  });

  it('describes the browser pages and /metrics (not generated from controllers)', () => {
    for (const [path, method] of [
      ['/authorize', 'get'],
      ['/authorize', 'post'],
      ['/authorize/decision', 'post'],
      ['/login', 'get'],
      ['/login', 'post'],
      ['/logout', 'post'],
      ['/account', 'get'],
      ['/metrics', 'get'],
    ]) {
      expect({ path, method, summary: doc.paths[path]?.[method]?.summary }).toMatchObject({ summary: expect.any(String) });
    }
    expect(doc.paths['/authorize'].get.parameters.map((parameter: Json) => parameter.name)).toEqual(
      expect.arrayContaining(['response_type', 'client_id', 'code_challenge', 'code_challenge_method']),
    );
  });

  it('/docs is titled Tessera, not Swagger UI', async () => {
    const res = await app.http.get('/docs').redirects(1);
    expect(res.status).toBe(200);
    expect(res.text).toMatch(/<title>Tessera<\/title>/);
  });
});
