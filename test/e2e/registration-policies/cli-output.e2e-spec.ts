import { runCli } from '../../../apps/oauth-server/src/cli/run-cli';
import { createTestApp, TestApp } from '../../support/test-app';

/** Raw characters that must never reach the operator's terminal (newlines only between lines). */
const UNSAFE = /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}]/u;
const UNSAFE_BUT_NEWLINE = /(?!\n)[\p{Cc}\p{Cf}\p{Zl}\p{Zp}]/u;

/**
 * A client_name stored before names were checked at registration (or written by any other path):
 * a forged second line, ANSI colour and screen-clearing sequences, a C1 CSI, DEL, a bidi override
 * and a zero-width space.
 */
const HOSTILE_NAME = 'Innocent\nclient_id: forged-line  policy=trusted\r\u001b[32mOK\u001b[0m\u001b[2J\u009b31m\u007f Goog\u200ble \u202eelgooG';

describe('Operator CLI: control and format characters of stored metadata are escaped in every output', () => {
  let app: TestApp;
  const out: string[] = [];
  const err: string[] = [];
  const cli = (...argv: string[]) => runCli(argv, app.config, { out: (l) => out.push(l), err: (l) => err.push(l) });
  let clientId: string;

  beforeAll(async () => {
    app = await createTestApp({ RATE_LIMIT_ENABLED: 'false', SWEEPER_INTERVAL_SECONDS: '0' });
    const registered = await app.registerClient({ client_name: 'plain' });
    clientId = registered.client_id;
    await app.dataSource.query(`UPDATE clients SET metadata = jsonb_set(metadata, '{client_name}', to_jsonb($1::text)) WHERE client_id = $2`, [
      HOSTILE_NAME,
      clientId,
    ]);
  });
  beforeEach(() => {
    out.length = 0;
    err.length = 0;
  });
  afterAll(() => app.close());

  it('clients:list prints one line per client, the name escaped', async () => {
    expect(await cli('clients:list')).toBe(0);
    expect(out).toHaveLength(1);
    expect(out[0]).not.toMatch(UNSAFE);
    expect(out[0]).toContain(clientId);
    expect(out[0]).toContain('Innocent\\u000aclient_id: forged-line  policy=trusted\\u000d\\u001b[32mOK');
    expect(out[0]).toContain('Goog\\u200ble \\u202eelgooG');
  });

  it('clients:show: no forged line, nothing raw in any line', async () => {
    expect(await cli('clients:show', clientId)).toBe(0);
    expect(out.length).toBeGreaterThan(3);
    for (const line of out) expect(line).not.toMatch(UNSAFE);
    expect(out.filter((line) => line.startsWith('client_id:'))).toEqual([`client_id: ${clientId}`]);
  });

  it('clients:list --json: valid JSON with the exact name, and no raw control or format character', async () => {
    expect(await cli('clients:list', '--json')).toBe(0);
    const document = out.join('\n');
    expect(document).not.toMatch(UNSAFE_BUT_NEWLINE);
    expect(JSON.parse(document)).toEqual([expect.objectContaining({ client_id: clientId, client_name: HOSTILE_NAME })]);
  });

  it('an error line (an unknown client id typed with an escape sequence) is escaped too', async () => {
    expect(await cli('clients:show', 'nope\u001b[2J')).toBe(1);
    expect([...out, ...err].join('\n')).not.toMatch(UNSAFE_BUT_NEWLINE);
  });
});
