import pino from 'pino';
import { Writable } from 'node:stream';
import { loggerOptions, PinoNestLogger } from './logger';
import { runWithRequestContext } from './request-context';

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

  it('redacts secret fields two levels down and every RFC secret name (codes, tokens, verifiers, assertions)', () => {
    const lines: string[] = [];
    const sink = new Writable({ write: (chunk, _enc, done) => (lines.push(String(chunk)), done()) });
    const logger = pino(loggerOptions({ level: 'info', format: 'json' }), sink);
    logger.info({
      token: 'SECRET-10',
      body: { code: 'SECRET-11', access_token: 'SECRET-12', refresh_token: 'SECRET-13', id_token: 'SECRET-14' },
      outer: { inner: { client_assertion: 'SECRET-15', initial_access_token: 'SECRET-16', cookie: 'SECRET-17' } },
      grant_type: 'authorization_code',
    });
    const output = lines.join('');
    expect(output).toContain('authorization_code');
    expect(output).not.toMatch(/SECRET-\d/);
  });

  it('LOG_LEVEL_MODULES: one context can log below the root level; lines inside a request carry its reqId', () => {
    const lines: string[] = [];
    const sink = new Writable({ write: (chunk, _enc, done) => (lines.push(String(chunk)), done()) });
    const nest = new PinoNestLogger(pino({ level: 'info' }, sink), { SweeperService: 'debug' });
    nest.debug('hidden', 'ClientsService');
    nest.debug('shown', 'SweeperService');
    runWithRequestContext({ reqId: 'req-42', ip: '127.0.0.1' }, () => nest.log({ client_id: 'c' }, 'registered', 'ClientsService'));
    const records = lines.map((line) => JSON.parse(line));
    expect(records.map((record) => record.msg)).toEqual(['shown', 'registered']);
    expect(records[1]).toMatchObject({ reqId: 'req-42', context: 'ClientsService', client_id: 'c' });
  });
});
