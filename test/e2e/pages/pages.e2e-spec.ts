import { InvalidConfigurationError, loadConfig } from '@app/config';
import { aUser, authorizePath, authorizeThroughPages, Browser, formFields, pkcePair } from '../../support/oauth-flow';
import { createTestApp, TestApp } from '../../support/test-app';

const BRANDING = { BRANDING_PRODUCT_NAME: 'Acme ID', BRANDING_LOGO_URL: 'https://cdn.acme.example/logo.svg', BRANDING_ACCENT_COLOR: '#0B5D1E' };

/** The pages people see (docs/authorization-code-flow.md, "Pages"): branding, wording, confirmations. */
describe('pages people see: branding, app name, error wording, confirmations', () => {
  let app: TestApp;
  beforeAll(async () => (app = await createTestApp({ LOGIN_BCRYPT_COST: '10', ...BRANDING })));
  beforeEach(() => app.resetDatabase());
  afterAll(() => app.close());

  it('the login page names the operator (product name, logo, accent colour) and the app being signed into', async () => {
    const client = await app.registerClient({ client_name: 'Photo <Printer>' });
    const browser = new Browser(app);
    const start = await browser.get(authorizePath({ client, challenge: pkcePair().challenge }));
    const page = await browser.get(start.headers.location);
    expect(page.status).toBe(200);
    expect(page.text).toContain('<title>Sign in · Acme ID</title>');
    expect(page.text).toContain('<h1>Sign in to Acme ID</h1>');
    expect(page.text).toContain('<img src="https://cdn.acme.example/logo.svg" alt="">');
    expect(page.text).toContain('--accent: #0b5d1e;');
    // The client's name is escaped, and an anonymously registered client is labelled as unverified.
    expect(page.text).toContain('to continue to <strong>Photo &lt;Printer&gt;</strong> <small>(an application Acme ID has not verified)</small>');
    // The document CSP lets the operator's logo load, and nothing else from that origin.
    expect(page.headers['content-security-policy']).toContain("img-src 'self' data: https://cdn.acme.example;");
  });

  it('RFC 6749 §4.1.2.1: an /authorize error shown to the user says what to do, with the code below for developers', async () => {
    const res = await app.http.get('/authorize?response_type=code&client_id=no-such-client');
    expect(res.status).toBe(400);
    expect(res.text).toContain('<p role="alert" class="error">This app sent an invalid request. Go back to the app and try again.</p>');
    expect(res.text).toContain("For the app's developers: error <code>invalid_request</code> — client_id does not name a registered client");

    const client = await app.registerClient();
    const bad = await app.http.get(`/authorize?response_type=code&client_id=${client.client_id}&redirect_uri=https://evil.example/cb`);
    expect(bad.status).toBe(400);
    expect(bad.text).toContain('This app sent an invalid request. Go back to the app and try again.');
    expect(bad.text).toContain("For the app's developers: error <code>invalid_request</code>");
  });

  it('/account confirms a revocation by the app\'s registered name; signing out offers a way back', async () => {
    await aUser(app, 'alice');
    const client = await app.registerClient({ client_name: 'Photo Printer' });
    const browser = new Browser(app);
    await authorizeThroughPages(browser, { client, challenge: pkcePair().challenge }, 'alice');
    const account = await browser.get('/account');
    const revoke = await browser.post('/account/apps/revoke', formFields(account.text, '/account/apps/revoke'));
    expect(revoke.status).toBe(303);
    const confirmed = await browser.get(revoke.headers.location);
    expect(confirmed.text).toContain('<p role="status" class="notice"><strong>Photo Printer</strong> can no longer use your account.');
    // An app still allowed is not "confirmed" as revoked by editing the URL.
    await authorizeThroughPages(browser, { client, challenge: pkcePair().challenge }, 'alice');
    expect((await browser.get(`/account?revoked=${client.client_id}`)).text).not.toContain('can no longer use your account');

    const signedOut = await browser.post('/logout', formFields((await browser.get('/account')).text, '/logout'));
    expect(signedOut.status).toBe(200);
    expect(signedOut.text).toContain('You have been signed out of Acme ID.');
    expect(signedOut.text).toContain('<a href="/login?return_to=%2Faccount">Sign in again</a>');
  });
});

describe('BRANDING_* settings are validated at start-up', () => {
  const load = (env: Record<string, string>) => () => loadConfig({ ...env });
  it('refuses a logo that is not https, a colour that is not #rrggbb, and an accent too light for white text (WCAG 2.2 §1.4.3)', () => {
    expect(load({ BRANDING_LOGO_URL: 'http://cdn.example/logo.png' })).toThrow(/BRANDING_LOGO_URL must be an https URL/);
    expect(load({ BRANDING_ACCENT_COLOR: 'green' })).toThrow(/BRANDING_ACCENT_COLOR must be a colour as #rrggbb/);
    expect(load({ BRANDING_ACCENT_COLOR: '#f59e0b' })).toThrow(/too light: white text on it needs a contrast of at least 4.5:1/);
    expect(load({ BRANDING_PRODUCT_NAME: 'Acme\u202EDI' })).toThrow(InvalidConfigurationError);
    expect(loadConfig({ BRANDING_ACCENT_COLOR: '#1D4ED8' }).branding).toEqual({ productName: 'Tessera', logoUrl: undefined, accentColor: '#1d4ed8' });
  });
});
