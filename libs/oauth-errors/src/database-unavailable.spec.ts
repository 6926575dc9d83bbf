import { QueryFailedError } from 'typeorm';
import { isDatabaseUnavailable } from './database-unavailable';
import { TemporarilyUnavailableError, ServerError } from './rfc6749.errors';
import { toOAuthError } from './to-oauth-error';

const withCode = (code: string, message = 'x') => Object.assign(new Error(message), { code });

describe('database outages → RFC 6749 §4.1.2.1 temporarily_unavailable', () => {
  it.each([
    ['connection refused', withCode('ECONNREFUSED', 'connect ECONNREFUSED 127.0.0.1:5432')],
    ['IPv4 and IPv6 both refused (AggregateError)', new AggregateError([withCode('ECONNREFUSED'), withCode('ECONNREFUSED')], 'x')],
    ['server shut down mid-session (57P01)', withCode('57P01', 'terminating connection due to administrator command')],
    ['server starting up (57P03)', withCode('57P03', 'the database system is starting up')],
    ['connection lost mid-query', new Error('Connection terminated unexpectedly')],
    ['pool connect timeout', new Error('timeout exceeded when trying to connect')],
    ['a transaction whose connection broke before COMMIT', Object.assign(new Error('Query runner already released'), { name: 'QueryRunnerAlreadyReleasedError' })],
    ['TypeORM-wrapped driver error', new QueryFailedError('SELECT 1', [], withCode('57P01'))],
  ])('%s is recognised and maps to 503 temporarily_unavailable', (_name, error) => {
    expect(isDatabaseUnavailable(error)).toBe(true);
    const mapped = toOAuthError(error);
    expect(mapped).toBeInstanceOf(TemporarilyUnavailableError);
    expect(mapped.status).toBe(503);
  });

  it.each([
    ['a unique violation', new QueryFailedError('INSERT', [], withCode('23505', 'duplicate key'))],
    ['a programming error', new TypeError('x is not a function')],
    ['nothing', undefined],
  ])('%s is not an outage (stays a 500 server_error)', (_name, error) => {
    expect(isDatabaseUnavailable(error)).toBe(false);
    expect(toOAuthError(error)).toBeInstanceOf(ServerError);
  });
});
