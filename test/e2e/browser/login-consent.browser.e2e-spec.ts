import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BrowserContext, chromium } from 'playwright-core';
import { createListeningTestApp, ListeningTestApp } from '../../support/listening-app';
import { aUser, basicAuth, PASSWORD, pkcePair } from '../../support/oauth-flow';
import type { RegisteredClient } from '../../support/test-app';

const CHROMIUM = '/usr/bin/chromium';
const found = existsSync(CHROMIUM);
if (!found && process.env.CI !== 'true') {
  // Locally a missing browser skips this file with a reason; in CI (.ci/run installs it) it must run.
  console.log(`browser e2e skipped: no Chromium at ${CHROMIUM} (install it with: apt-get install -y chromium)`);
}
const describeWithBrowser = found || process.env.CI === 'true' ? describe : describe.skip;

/** A real browser (Debian's Chromium driven by playwright-core) clicking through the login and consent pages. */
describeWithBrowser('RFC 6749 §4.1 in a real browser: login and consent pages, no JavaScript needed', () => {
  let app: ListeningTestApp;
  let context: BrowserContext;
  let profile: string;
  let client: RegisteredClient;
  // The relying party's callback: a real loopback server, so the browser lands somewhere real.
  let callbackServer: Server;
  let CALLBACK: string;

  beforeAll(async () => {
    app = await createListeningTestApp({ LOGIN_BCRYPT_COST: '10' });
    profile = mkdtempSync(join(tmpdir(), 'tessera-chromium-'));
    context = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      headless: true,
      javaScriptEnabled: false,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
    });
    callbackServer = createServer((_request, response) => response.writeHead(200, { 'Content-Type': 'text/plain' }).end('callback reached'));
    await new Promise<void>((resolve) => callbackServer.listen(0, '127.0.0.1', resolve));
    CALLBACK = `http://127.0.0.1:${(callbackServer.address() as AddressInfo).port}/callback`;
  });
  beforeEach(async () => {
    await app.resetDatabase();
    await context.clearCookies();
    await aUser(app, 'alice');
    client = await app.registerClient({ client_name: 'Photo Printer', redirect_uris: [CALLBACK], grant_types: ['authorization_code', 'refresh_token'] });
  });
  afterAll(async () => {
    await context?.close();
    await new Promise((resolve) => callbackServer?.close(resolve));
    if (profile) rmSync(profile, { recursive: true, force: true });
    await app?.close();
  });

  function authorizeUrl(challenge: string): string {
    const query = new URLSearchParams({
      response_type: 'code',
      client_id: client.client_id,
      redirect_uri: CALLBACK,
      scope: 'openid profile email',
      state: 'browser-state',
      nonce: 'browser-nonce',
      code_challenge: challenge,
      code_challenge_method: 'S256',
    });
    return `${app.baseUrl}/authorize?${query.toString()}`;
  }

  it('logs in, allows, lands on the callback with a code that the client exchanges for tokens', async () => {
    const page = await context.newPage();
    const { verifier, challenge } = pkcePair();
    await page.goto(authorizeUrl(challenge));
    await page.getByLabel('Username').fill('alice');
    await page.getByLabel('Password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();

    await page.getByRole('heading', { name: 'Photo Printer wants to access your account' }).waitFor();
    await page.getByRole('button', { name: 'Allow' }).click();
    await page.waitForURL(`${CALLBACK}**`);

    const callback = new URL(page.url());
    expect(callback.searchParams.get('state')).toBe('browser-state');
    expect(callback.searchParams.get('iss')).toBe(app.baseUrl);
    const token = await app.http
      .post('/token')
      .set('Authorization', basicAuth(client))
      .type('form')
      .send({ grant_type: 'authorization_code', code: callback.searchParams.get('code')!, redirect_uri: CALLBACK, code_verifier: verifier });
    expect(token.status).toBe(200);
    expect(token.body.id_token).toEqual(expect.any(String));

    // The session cookie the browser holds is HttpOnly and SameSite=Lax
    const session = (await context.cookies(app.baseUrl)).find((cookie) => cookie.name === 'tessera_session');
    expect(session).toMatchObject({ httpOnly: true, sameSite: 'Lax' });

    // A second request within the session and grant goes straight to the callback
    await page.goto(authorizeUrl(challenge));
    await page.waitForURL(`${CALLBACK}**`);
    expect(new URL(page.url()).searchParams.get('code')).toEqual(expect.any(String));
    await page.close();
  });

  it('a wrong password shows the generic message; Deny of an unverified client shows a page whose link returns access_denied (RFC 9700 §4.11.2)', async () => {
    const page = await context.newPage();
    await page.goto(authorizeUrl(pkcePair().challenge));
    await page.getByLabel('Username').fill('alice');
    await page.getByLabel('Password').fill('not the right password');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('alert').filter({ hasText: 'The username or password is incorrect.' }).waitFor();

    await page.getByLabel('Password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByText('Unverified application').waitFor();
    await page.getByRole('button', { name: 'Deny' }).click();
    // A self-registered client: no automatic redirect after Deny, the user goes on by choice
    await page.getByRole('link', { name: `Continue to ${new URL(CALLBACK).host}` }).click();
    await page.waitForURL(`${CALLBACK}**`);
    const callback = new URL(page.url());
    expect(callback.searchParams.get('error')).toBe('access_denied');
    expect(callback.searchParams.get('state')).toBe('browser-state');
    expect(callback.searchParams.get('code')).toBeNull();
    await page.close();
  });

  it('WCAG 2.2 (axe-core) at 390 px: login, failed login, consent, error, account, revocation and signed-out pages have no serious or critical violation', async () => {
    // A second browser with JavaScript on, only to run axe in the page; the pages themselves use none.
    const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ['--headless', '--no-sandbox', '--disable-gpu'] });
    const shots = process.env.TESSERA_SCREENSHOTS; // a directory: keep a screenshot of each page to look at
    try {
      const axeContext = await browser.newContext({ bypassCSP: true, viewport: { width: 390, height: 844 } });
      const page = await axeContext.newPage();
      const linked = await app.registerClient({
        client_name: 'Photo Printer',
        redirect_uris: [CALLBACK],
        client_uri: 'https://photo-printer.example',
        policy_uri: 'https://photo-printer.example/privacy',
        tos_uri: 'https://photo-printer.example/terms',
      });
      const audit = async (name: string) => {
        await page.addScriptTag({ path: require.resolve('axe-core/axe.min.js') });
        // A string, evaluated in the page: this file is compiled without the DOM library.
        const result = (await page.evaluate(
          `axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice'] } })`,
        )) as { violations: { id: string; impact: string; nodes: { target: string[] }[] }[] };
        if (shots) await page.screenshot({ path: join(shots, `${name}.png`), fullPage: true });
        return result.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => `${name}: ${v.id} at ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
      };
      const problems: string[] = [];
      const { challenge } = pkcePair();
      const query = new URLSearchParams({ response_type: 'code', client_id: linked.client_id, redirect_uri: CALLBACK, scope: 'openid profile email', state: 's', code_challenge: challenge, code_challenge_method: 'S256' });
      await page.goto(`${app.baseUrl}/authorize?${query.toString()}`);
      await page.getByRole('heading', { name: 'Sign in to Tessera' }).waitFor();
      problems.push(...(await audit('login')));
      // WCAG 2.2 §1.4.11 / §2.4.7 (axe does not measure it): the keyboard focus ring, 3:1 against the white card.
      await page.getByLabel('Username').focus();
      await page.keyboard.press('Tab');
      const ring = (await page.evaluate(
        `(() => { const s = getComputedStyle(document.activeElement); return { color: s.outlineColor, width: parseFloat(s.outlineWidth), style: s.outlineStyle }; })()`,
      )) as { color: string; width: number; style: string };
      expect(ring).toMatchObject({ style: 'solid', width: expect.any(Number) });
      expect(ring.width).toBeGreaterThanOrEqual(2);
      expect(contrastWithWhite(ring.color)).toBeGreaterThanOrEqual(3);
      await page.getByLabel('Username').fill('alice');
      await page.getByLabel('Password').fill('not the right password');
      await page.getByRole('button', { name: 'Sign in' }).click();
      await page.getByRole('alert').waitFor();
      problems.push(...(await audit('login-failed')));
      await page.getByLabel('Password').fill(PASSWORD);
      await page.getByRole('button', { name: 'Sign in' }).click();
      await page.getByRole('button', { name: 'Allow' }).waitFor();
      problems.push(...(await audit('consent')));
      await page.getByRole('button', { name: 'Allow' }).click();
      await page.waitForURL(`${CALLBACK}**`);
      await page.goto(`${app.baseUrl}/authorize?response_type=code&client_id=unknown`);
      problems.push(...(await audit('error')));
      await page.goto(`${app.baseUrl}/account`);
      problems.push(...(await audit('account')));
      await page.getByRole('button', { name: 'Revoke access of Photo Printer' }).click();
      await page.getByRole('status').filter({ hasText: 'Photo Printer can no longer use your account' }).waitFor();
      problems.push(...(await audit('account-revoked')));
      await page.getByRole('button', { name: 'Sign out of Tessera' }).click();
      await page.getByRole('link', { name: 'Sign in again' }).waitFor();
      problems.push(...(await audit('signed-out')));
      expect(problems).toEqual([]);
    } finally {
      await browser.close();
    }
  });
});

/** WCAG 2.2 contrast ratio of a computed `rgb(r, g, b)` colour against white. */
function contrastWithWhite(rgb: string): number {
  const [r, g, b] = (rgb.match(/\d+(\.\d+)?/g) ?? []).slice(0, 3).map((v) => {
    const c = Number(v) / 255;
    return c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  });
  return 1.05 / (0.2126 * r + 0.7152 * g + 0.0722 * b + 0.05);
}
