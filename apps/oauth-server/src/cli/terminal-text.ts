import type { CliIo } from './command';

/**
 * Characters that must not reach an operator's terminal as they are: C0 and C1 controls and DEL
 * (ESC starts sequences that recolour, move the cursor or retitle the window; CR overwrites a line),
 * Unicode format characters (bidi overrides such as U+202E, zero-width characters), line and
 * paragraph separators, and lone surrogates. Anyone can register a client, so a client_name is
 * hostile text (STYLE.md §12).
 */
const UNSAFE = /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}\p{Cs}]/gu;
const UNSAFE_BUT_NEWLINE = /(?!\n)[\p{Cc}\p{Cf}\p{Zl}\p{Zp}\p{Cs}]/gu;

/** `\uXXXX` for each UTF-16 unit: visible to a person, and the same character to a JSON parser. */
function escaped(character: string): string {
  let out = '';
  for (let i = 0; i < character.length; i += 1) out += `\\u${character.charCodeAt(i).toString(16).padStart(4, '0')}`;
  return out;
}

/** A value for a human line: every control and format character escaped, newlines included. */
export function printable(value: unknown): string {
  return String(value).replace(UNSAFE, escaped);
}

/**
 * Escapes whatever a command writes, except the newlines between its lines: the backstop for every
 * human line and every --json document (inside a JSON string `\uXXXX` is the same character).
 * A value inside a human line goes through printable() too, so that its newline cannot forge a line.
 * Tested in terminal-text.spec.ts and test/e2e/registration-policies/cli-output.e2e-spec.ts.
 */
export function terminalSafeIo(io: CliIo): CliIo {
  const safe = (text: string) => text.replace(UNSAFE_BUT_NEWLINE, escaped);
  return { ...io, out: (text) => io.out(safe(text)), err: (text) => io.err(safe(text)) };
}
