import { bearerToken } from './rfc6750.bearer';

describe('RFC 6750 §2.1 Authorization Request Header Field', () => {
  it.each([
    ['Bearer abc.DEF-_~+/', 'abc.DEF-_~+/'],
    ['bearer abc==', 'abc=='],
    ['BEARER   abc', 'abc'],
  ])('reads %j', (header, token) => expect(bearerToken(header)).toBe(token));

  it.each([undefined, '', 'Bearer', 'Bearer ', 'Basic abc', 'Bearer a b', 'Bearer a"b', 'Bearerabc'])('finds no token in %j', (header) =>
    expect(bearerToken(header)).toBeUndefined(),
  );

  it('a repeated header (array) is not a token', () => expect(bearerToken(['Bearer a', 'Bearer b'])).toBeUndefined());
});
