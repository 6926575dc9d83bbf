import { existsSync } from 'node:fs';
import { Browser, chromium, Locator, Page } from 'playwright-core';
import { createListeningTestApp, ListeningTestApp } from '../../support/listening-app';

const CHROMIUM = '/usr/bin/chromium';
const found = existsSync(CHROMIUM);
if (!found && process.env.CI !== 'true') {
  // Locally a missing browser skips this file with a reason; in CI (.ci/run installs it) it must run.
  console.log(`browser e2e skipped: no Chromium at ${CHROMIUM} (install it with: apt-get install -y chromium)`);
}
const describeWithBrowser = found || process.env.CI === 'true' ? describe : describe.skip;

/**
 * What a platform engineer does first: open /docs and click "Try it out" through the whole RFC 7591 /
 * RFC 7592 lifecycle with the pre-filled examples, authorizing with each newest registration access token.
 */
// Swagger UI renders the whole document in the browser: on a loaded 2-core machine one walk takes ~50 s.
const WALK_TIMEOUT_MS = 180_000;

describeWithBrowser('Swagger UI in a real browser: RFC 7591 §3.1 register → RFC 7592 §2.1 read → §2.2 update → §2.3 delete', () => {
  let app: ListeningTestApp;
  let browser: Browser;

  beforeAll(async () => {
    app = await createListeningTestApp();
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      headless: true,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
    });
  });
  afterAll(async () => {
    await browser?.close();
    await app?.close();
  });

  function operation(page: Page, method: 'post' | 'get' | 'put' | 'delete', path: string): Locator {
    return page.locator(`.opblock.opblock-${method}`).filter({ has: page.locator(`.opblock-summary-path[data-path="${path}"]`) });
  }

  /** Expands an operation, presses Try it out, lets the caller fill it in, presses Execute; returns status and body. */
  async function tryItOut(page: Page, block: Locator, fill: (block: Locator) => Promise<void> = async () => undefined): Promise<{ status: number; body: string }> {
    await block.locator('.opblock-summary').first().click();
    await block.getByRole('button', { name: 'Try it out' }).click();
    await fill(block);
    await block.getByRole('button', { name: 'Execute' }).click();
    const status = block.locator('.live-responses-table tr.response .response-col_status').first();
    await status.waitFor();
    const body = block.locator('.live-responses-table tr.response .response-col_description pre.microlight').first();
    const text = (await body.count()) > 0 ? await body.innerText() : '';
    return { status: Number((await status.innerText()).trim()), body: text };
  }

  async function authorize(page: Page, token: string): Promise<void> {
    await page.locator('.scheme-container button.authorize').click();
    const scheme = page.locator('.auth-container').filter({ hasText: 'registration-access-token' });
    // Swagger UI labels its Authorize and Logout buttons for screen readers.
    const logout = scheme.getByRole('button', { name: 'Remove authorization' });
    if (await logout.count()) await logout.click();
    await scheme.locator('input').fill(token);
    await scheme.getByRole('button', { name: 'Apply credentials' }).click();
    await page.locator('.modal-ux button.btn-done').first().click();
  }

  it('the pre-filled example registers (201), then read (200), update (200) and delete (204) succeed from the UI', async () => {
    const page = await browser.newPage();
    await page.goto(`${app.baseUrl}/docs`);
    expect(await page.title()).toBe('Tessera');

    // RFC 7591 §3.1: the first click succeeds, with the example exactly as pre-filled
    const registered = await tryItOut(page, operation(page, 'post', '/register'));
    expect(registered.status).toBe(201);
    const client = JSON.parse(registered.body) as { client_id: string; client_secret: string; registration_access_token: string; client_name: string };
    expect(client.client_name).toBe('Example Web App');

    // RFC 7592 §2.1 with the registration access token from the response
    await authorize(page, client.registration_access_token);
    const read = await tryItOut(page, operation(page, 'get', '/register/{clientId}'), (block) => block.getByPlaceholder('clientId').fill(client.client_id));
    expect(read.status).toBe(200);
    const afterRead = JSON.parse(read.body) as { registration_access_token: string };

    // RFC 7592 §3: the newest token from then on; RFC 7592 §2.2: the example body with this client's id and secret
    await authorize(page, afterRead.registration_access_token);
    const updated = await tryItOut(page, operation(page, 'put', '/register/{clientId}'), async (block) => {
      await block.getByPlaceholder('clientId').fill(client.client_id);
      const body = block.locator('textarea.body-param__text');
      const example = JSON.parse(await body.inputValue()) as Record<string, unknown>;
      await body.fill(JSON.stringify({ ...example, client_id: client.client_id, client_secret: client.client_secret }, null, 2));
    });
    expect(updated.status).toBe(200);
    const afterUpdate = JSON.parse(updated.body) as { client_name: string; registration_access_token: string };
    expect(afterUpdate.client_name).toBe('Renamed Web App');

    // RFC 7592 §2.3
    await authorize(page, afterUpdate.registration_access_token);
    const deleted = await tryItOut(page, operation(page, 'delete', '/register/{clientId}'), (block) => block.getByPlaceholder('clientId').fill(client.client_id));
    expect(deleted.status).toBe(204);
    expect((await app.http.get(`/register/${client.client_id}`).auth(afterUpdate.registration_access_token, { type: 'bearer' })).status).toBe(401);
    await page.close();
  }, WALK_TIMEOUT_MS);
  it('RFC 6749 §2.3.1 / §4.4: with client-basic authorized, Try it out on POST /token gets a client_credentials token (200)', async () => {
    const service = await app.registerClient({ grant_types: ['client_credentials'], redirect_uris: undefined, response_types: undefined });
    const page = await browser.newPage();
    await page.goto(`${app.baseUrl}/docs`);
    await page.locator('.scheme-container button.authorize').click();
    const scheme = page.locator('.auth-container').filter({ hasText: 'client-basic' });
    await scheme.locator('input[type=text]').fill(service.client_id);
    await scheme.locator('input[type=password]').fill(service.client_secret as string);
    await scheme.getByRole('button', { name: 'Apply credentials' }).click();
    await page.locator('.modal-ux button.btn-done').first().click();
    const issued = await tryItOut(page, operation(page, 'post', '/token'), async (block) => {
      // The form fields of an x-www-form-urlencoded body: one row per parameter, an enum as a select.
      await block.locator('tr[data-property-name="grant_type"] select').selectOption('client_credentials');
    });
    expect(issued).toEqual({ status: 200, body: expect.stringContaining('access_token') });
    expect(JSON.parse(issued.body)).toMatchObject({ token_type: 'Bearer', access_token: expect.any(String) });
    await page.close();
  }, WALK_TIMEOUT_MS);
});
