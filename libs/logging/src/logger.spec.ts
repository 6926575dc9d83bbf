import pino from 'pino';
import { Writable } from 'node:stream';
import { loggerOptions } from './logger';

describe('log redaction', () => {
  it('never writes credentials, secrets or tokens', () => {
    const lines: string[] = [];
    const sink = new Writable({ write: (chunk, _enc, done) => (lines.push(String(chunk)), done()) });
    const logger = pino(loggerOptions({ level: 'info', format: 'json' }), sink);
    logger.info({
      req: { headers: { authorization: 'Bearer SECRET-1', cookie: 'sid=SECRET-2' } },
      body: { client_secret: 'SECRET-3', registration_access_token: 'SECRET-4', code_verifier: 'SECRET-5', password: 'SECRET-6' },
      client_secret: 'SECRET-7',
      client_id: 'visible-client',
    });
    const output = lines.join('');
    expect(output).toContain('visible-client');
    expect(output).not.toMatch(/SECRET-\d/);
  });
});
