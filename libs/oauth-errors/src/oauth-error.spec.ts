import { InvalidTokenError } from './rfc6750.errors';
import { ServerError } from './rfc6749.errors';

describe('OAuthError', () => {
  it('a protocol error (here RFC 6750 §3.1 invalid_token) carries no stack frames; capturing them is most of its cost', () => {
    const error = new InvalidTokenError('the registration access token has expired');
    expect(error.stack?.split('\n')).toEqual(['InvalidTokenError: the registration access token has expired']);
    expect(error).toBeInstanceOf(Error);
    expect(Error.stackTraceLimit).toBeGreaterThan(0); // restored for everything else
  });

  it('server_error keeps its stack, so the fault it reports can be found', () => {
    const error = new ServerError('database unavailable');
    expect(error.stack?.split('\n').length).toBeGreaterThan(1);
    expect(error.stack).toContain('oauth-error.spec');
  });
});
