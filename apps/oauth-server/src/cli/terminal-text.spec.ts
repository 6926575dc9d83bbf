import { printable, terminalSafeIo } from './terminal-text';

const HOSTILE = [
  ['ESC (colour, cursor, window title)', '\u001b[31mred\u001b]0;title\u0007', '\\u001b[31mred\\u001b]0;title\\u0007'],
  ['CR (overwrites the line)', 'ok\rFAKE', 'ok\\u000dFAKE'],
  ['C1 CSI and DEL', 'a\u009b31mb\u007f', 'a\\u009b31mb\\u007f'],
  ['bidi override and isolate', 'Goog\u200ble \u202eelgooG\u2066x\u2069', 'Goog\\u200ble \\u202eelgooG\\u2066x\\u2069'],
  ['zero-width joiner, BOM, soft hyphen', 'a\u200db\ufeffc\u00add', 'a\\u200db\\ufeffc\\u00add'],
  ['line and paragraph separators', 'a\u2028b\u2029c', 'a\\u2028b\\u2029c'],
  ['a lone surrogate', 'a\ud800b', 'a\\ud800b'],
  ['an astral format character (language tag)', 'a\u{e0001}b', 'a\\udb40\\udc01b'],
] as const;

describe('CLI output: control and format characters never reach the terminal', () => {
  it.each(HOSTILE)('printable() escapes %s', (_name, raw, shown) => {
    expect(printable(raw)).toBe(shown);
  });

  it('printable() escapes newlines and tabs too, so a value cannot forge a line; ordinary text is unchanged', () => {
    expect(printable('name\nClient evil  self-service=full\tx')).toBe('name\\u000aClient evil  self-service=full\\u0009x');
    expect(printable('Café Ünïcode 東京 – ok')).toBe('Café Ünïcode 東京 – ok');
  });

  it('terminalSafeIo() escapes every line written to stdout and stderr but keeps the newlines between lines', () => {
    const out: string[] = [];
    const err: string[] = [];
    const io = terminalSafeIo({ out: (line) => out.push(line), err: (line) => err.push(line) });
    for (const [, raw] of HOSTILE) io.out(`name: ${raw}`);
    io.err('bad \u001b[2J argument');
    io.out('line one\nline two');
    expect(out.join('\n')).not.toMatch(/(?!\n)[\p{Cc}\p{Cf}\p{Zl}\p{Zp}\p{Cs}]/u);
    expect(out.slice(0, HOSTILE.length)).toEqual(HOSTILE.map(([, , shown]) => `name: ${shown}`));
    expect(err).toEqual(['bad \\u001b[2J argument']);
    expect(out[out.length - 1]).toBe('line one\nline two');
  });

  it('a --json document stays valid JSON and parses back to the same strings', () => {
    const out: string[] = [];
    const io = terminalSafeIo({ out: (line) => out.push(line), err: () => undefined });
    const value = { client_name: HOSTILE.map(([, raw]) => raw).join('|'), list: ['\u202e', 'a\nb'] };
    io.out(JSON.stringify(value, null, 2));
    expect(out[0]).not.toMatch(/(?!\n)[\p{Cc}\p{Cf}\p{Zl}\p{Zp}]/u);
    expect(JSON.parse(out[0])).toEqual(value);
  });
});
