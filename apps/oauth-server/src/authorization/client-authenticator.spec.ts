import { InvalidClientError } from '@app/oauth-errors';
import { parseBasic } from './client-authenticator.service';

describe('RFC 6749 §2.3.1 client_secret_basic', () => {
  const basic = (raw: string) => `Basic ${Buffer.from(raw).toString('base64')}`;

  it('RFC 6749 §2.3.1: id and secret are form-urlencoded before Basic encoding', () => {
    expect(parseBasic(basic('my%3Aclient:s%2Bcr%20t+x'))).toEqual({ clientId: 'my:client', secret: 's+cr t x' });
  });

  it('ignores other schemes and absent headers', () => {
    expect(parseBasic(undefined)).toBeUndefined();
    expect(parseBasic('Bearer abc')).toBeUndefined();
  });

  it.each(['Basic', 'Basic !!!', basic('no-colon'), basic('a:%zz')])('refuses malformed credentials %j', (header) => {
    expect(() => parseBasic(header)).toThrow(InvalidClientError);
  });
});
