import { WorkerPoolFullError } from '@app/worker-pool';
import { ServerError, TemporarilyUnavailableError } from './rfc6749.errors';
import { toOAuthError } from './to-oauth-error';

describe('toOAuthError: overload', () => {
  it('RFC 6749 §4.1.2.1: a full worker pool (WorkerPoolFullError) is 503 temporarily_unavailable', () => {
    const error = toOAuthError(new WorkerPoolFullError('worker pool queue is full (8); job hash refused'));
    expect(error).toBeInstanceOf(TemporarilyUnavailableError);
    expect(error.status).toBe(503);
  });

  it('recognised by its class, not its name: another error that calls itself WorkerPoolFullError is a 500', () => {
    const impostor = Object.assign(new Error('not from the pool'), { name: 'WorkerPoolFullError' });
    expect(toOAuthError(impostor)).toBeInstanceOf(ServerError);
  });
});
