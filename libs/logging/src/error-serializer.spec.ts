import { DatabaseError } from 'pg';
import pino from 'pino';
import { Writable } from 'node:stream';
import { QueryFailedError } from 'typeorm';
import { loggerOptions } from './logger';

function capture() {
  const lines: string[] = [];
  const sink = new Writable({ write: (chunk, _enc, done) => (lines.push(String(chunk)), done()) });
  const logger = pino(loggerOptions({ level: 'info', format: 'json' }), sink);
  return { logger, lines, records: () => lines.map((line) => JSON.parse(line) as Record<string, unknown>) };
}

/** A pg DatabaseError as the driver builds it from PostgreSQL's ErrorResponse. */
function pgError(message: string, fields: Partial<DatabaseError>): DatabaseError {
  return Object.assign(new DatabaseError(message, 100, 'error'), { severity: 'ERROR', ...fields });
}

const INSERT = 'INSERT INTO clients (id, secret_hash, metadata, created_from) VALUES ($1, $2, $3, $4)';
const PARAMETERS = ['client-id-0001', 'HASH-3f9a0c5e', '{"client_name":"METADATA-name"}', '203.0.113.77'];

describe('error logs of failed queries', () => {
  it('log the statement text and the driver code, never the parameters nor the row PostgreSQL repeats in detail', () => {
    const { logger, lines, records } = capture();
    const driverError = pgError('duplicate key value violates unique constraint "clients_pkey"', {
      code: '23505',
      detail: 'Key (secret_hash)=(HASH-3f9a0c5e) already exists. Failing row contains (METADATA-name, 203.0.113.77).',
      constraint: 'clients_pkey',
      table: 'clients',
    });
    logger.error({ reqId: 'r1', err: new QueryFailedError(INSERT, PARAMETERS, driverError) }, 'request failed');

    const output = lines.join('');
    for (const value of ['HASH-3f9a0c5e', 'METADATA-name', '203.0.113.77', 'client-id-0001']) expect(output).not.toContain(value);
    expect(records()[0].err).toMatchObject({
      type: 'QueryFailedError',
      code: '23505',
      query: INSERT,
      constraint: 'clients_pkey',
      table: 'clients',
      message: 'duplicate key value violates unique constraint "clients_pkey"',
      stack: expect.stringContaining('QueryFailedError: duplicate key value'),
    });
    expect(records()[0].err).not.toHaveProperty('parameters');
    expect(records()[0].err).not.toHaveProperty('detail');
    expect(records()[0].err).not.toHaveProperty('driverError');
  });

  it('cut the input value PostgreSQL quotes in its message, also when the database error is the cause of another', () => {
    const { logger, lines, records } = capture();
    const driverError = pgError('invalid input syntax for type uuid: "VALUE-not-a-uuid"', { code: '22P02' });
    const failed = new QueryFailedError('SELECT 1 FROM clients WHERE id = $1', ['VALUE-not-a-uuid'], driverError);
    logger.error({ err: new Error('lookup failed', { cause: failed }) });
    logger.error({ err: driverError }); // no message: pino would use err.message as msg
    logger.error({ error: failed }, 'an error under the other usual key');
    expect(lines.join('')).not.toContain('VALUE-not-a-uuid');
    expect(records()[0].err).toMatchObject({
      type: 'Error',
      message: 'lookup failed',
      cause: { type: 'QueryFailedError', code: '22P02', message: 'invalid input syntax for type uuid: (value not logged)' },
    });
    expect(records()[1]).toMatchObject({ msg: 'invalid input syntax for type uuid: (value not logged)', err: { code: '22P02', severity: 'ERROR' } });
    expect(records()[2].error).toMatchObject({ type: 'QueryFailedError', code: '22P02', query: 'SELECT 1 FROM clients WHERE id = $1' });
  });

  it("an error's code stays readable (ECONNREFUSED, SQLSTATE) while a `code` field of a request is redacted", () => {
    const { logger, records } = capture();
    const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:6379'), { code: 'ECONNREFUSED', errno: -111 });
    logger.warn({ err: refused, body: { code: 'SECRET-auth-code', grant_type: 'authorization_code' }, code: 'SECRET-top' });
    logger.warn({ error: { code: 'ETIMEDOUT' }, query: { code: 'SECRET-query-code' } });
    const [first, second] = records();
    expect(first.err).toMatchObject({ type: 'Error', code: 'ECONNREFUSED', errno: -111 });
    expect(first.body).toEqual({ code: '[redacted]', grant_type: 'authorization_code' });
    expect(first.code).toBe('[redacted]');
    expect(second).toMatchObject({ error: { code: 'ETIMEDOUT' }, query: { code: '[redacted]' } });
  });
});
