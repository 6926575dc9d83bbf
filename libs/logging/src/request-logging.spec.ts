import type { RawRequestDefaultExpression } from 'fastify';
import { requestIdOptions } from './request-logging';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

function requestId(given: string | string[] | undefined): string {
  const { genReqId } = requestIdOptions();
  return genReqId!({ headers: { 'x-request-id': given } } as unknown as RawRequestDefaultExpression);
}

describe('X-Request-Id: accepted only in a log-safe form, else generated', () => {
  it('a proxy-style id of A-Z a-z 0-9 . _ : - up to 128 characters is kept', () => {
    expect(requestId('lb-7f3a.42')).toBe('lb-7f3a.42');
    expect(requestId('trace:0b5e_9')).toBe('trace:0b5e_9');
    expect(requestId('a'.repeat(128))).toBe('a'.repeat(128));
  });

  it.each([
    ['CR/LF (a forged log line or header)', 'abc\r\n{"level":60,"msg":"forged"}'],
    ['a lone LF', 'abc\ndef'],
    ['129 characters', 'a'.repeat(129)],
    ['64 kB', 'a'.repeat(65536)],
    ['unicode (bidi override)', 'abc\u202edef'],
    ['unicode as Node decodes a UTF-8 header (latin1)', Buffer.from('réq-é', 'utf8').toString('latin1')],
    ['a space', 'abc def'],
    ['a quote', 'abc"def'],
    ['empty', ''],
  ])('%s is replaced by a generated UUID', (_name, given) => {
    expect(requestId(given)).toMatch(UUID);
  });

  it('a repeated header (an array) and no header at all get a generated UUID', () => {
    expect(requestId(['a', 'b'])).toMatch(UUID);
    expect(requestId(undefined)).toMatch(UUID);
  });
});
