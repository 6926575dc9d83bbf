import type { INestApplicationContext } from '@nestjs/common';

export interface CliIo {
  out(line: string): void;
  err(line: string): void;
  /** One line of secret input (a password) from stdin; never from argv, where `ps` and shell history see it. */
  readSecret?(prompt: string): Promise<string>;
}

/** Exit codes: 0 done, 1 the target does not exist or the change was refused, 2 bad arguments. */
export type ExitCode = 0 | 1 | 2;

/** A wrong argument, said in one line (what is wrong and what is expected). */
export class ArgumentError extends Error {}

/** Turns the text of an option into its value, or throws ArgumentError saying what was expected. */
export type OptionParser<T = unknown> = (raw: string, name: string) => T;

export interface ParsedArgs {
  positional: string[];
  options: Record<string, unknown>;
  json: boolean;
  /** The line read from stdin for commands with a `secret` prompt. */
  secret?: string;
}

/**
 * One operator command. Arguments are declared, so every command is parsed and checked the same
 * way before any database is opened (test/e2e/operations/operator-cli.e2e-spec.ts).
 */
export interface Command {
  usage: string;
  summary: string;
  /** Names of the required positional arguments, in order. */
  positional?: string[];
  options?: Record<string, OptionParser>;
  /** Accepts --json: one JSON document on stdout instead of human lines. */
  json?: boolean;
  /** Reads one secret line from stdin (prompted on a terminal) before running. */
  secret?: string;
  run(app: INestApplicationContext, args: ParsedArgs, io: CliIo): Promise<ExitCode>;
}

/** Strict parsing: unknown options, missing or repeated values and extra arguments are refused. */
export function parseArgs(command: Command, args: string[]): ParsedArgs {
  const names = command.positional ?? [];
  const parsers = command.options ?? {};
  const parsed: ParsedArgs = { positional: [], options: {}, json: false };
  for (let i = 0; i < args.length; i += 1) {
    const arg = args[i];
    const eq = arg.startsWith('--') ? arg.indexOf('=') : -1;
    const [name, inline] = eq > 0 ? [arg.slice(0, eq), arg.slice(eq + 1)] : [arg, undefined];
    if (name === '--json' && command.json && inline === undefined) {
      parsed.json = true;
    } else if (Object.hasOwn(parsers, name)) {
      const value = inline ?? args[(i += 1)];
      if (value === undefined || value === '') throw new ArgumentError(`${name} needs a value`);
      if (Object.hasOwn(parsed.options, name)) throw new ArgumentError(`${name} is given twice`);
      parsed.options[name] = parsers[name](value, name);
    } else if (name.startsWith('--')) {
      const known = [...Object.keys(parsers), ...(command.json ? ['--json'] : [])];
      const hint = nearest(name, known);
      throw new ArgumentError(`unknown option ${name}${hint ? ` (did you mean ${hint}?)` : known.length ? ` (options: ${known.join(', ')})` : ''}`);
    } else if (parsed.positional.length < names.length) {
      parsed.positional.push(arg);
    } else {
      throw new ArgumentError(`unexpected argument "${arg}"`);
    }
  }
  if (parsed.positional.length < names.length) throw new ArgumentError(`missing <${names[parsed.positional.length]}>`);
  return parsed;
}

export function integer(min: number, max: number): OptionParser<number> {
  return (raw, name) => {
    const n = /^\d+$/.test(raw) ? Number(raw) : NaN;
    if (!(n >= min && n <= max)) throw new ArgumentError(`${name} must be a whole number from ${min} to ${max}, not "${raw}"`);
    return n;
  };
}

export function oneOf<T extends string>(values: readonly T[]): OptionParser<T> {
  return (raw, name) => {
    if (values.includes(raw as T)) return raw as T;
    const hint = nearest(raw, values);
    throw new ArgumentError(`${name} must be one of ${values.join(', ')}, not "${raw}"${hint ? ` (did you mean ${hint}?)` : ''}`);
  };
}

/** 3600, 90m, 12h, 7d → seconds, from a minute to a year. */
export const duration: OptionParser<number> = (raw, name) => {
  const match = /^(\d+)([dhm]?)$/.exec(raw);
  const seconds = match ? Number(match[1]) * { '': 1, m: 60, h: 3600, d: 86400 }[match[2] as '' | 'm' | 'h' | 'd'] : NaN;
  if (!(seconds >= 60 && seconds <= 366 * 86400)) {
    throw new ArgumentError(`${name} must be a duration from 60 seconds to a year: seconds or a number with m, h or d (e.g. 3600, 12h, 7d), not "${raw}"`);
  }
  return seconds;
};

/** An ISO 8601 date or date-time (2026-01-31, 2026-01-31T12:00:00Z). */
export const isoDate: OptionParser<Date> = (raw, name) => {
  const date = /^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?$/.test(raw) ? new Date(raw) : new Date(NaN);
  if (Number.isNaN(date.getTime())) throw new ArgumentError(`${name} must be an ISO 8601 date such as 2026-01-31 or 2026-01-31T12:00:00Z, not "${raw}"`);
  return date;
};

export const text: OptionParser<string> = (raw) => raw;

/** The closest of `candidates` to `input` (edit distance at most a third of its length, or a prefix), if any. */
export function nearest(input: string, candidates: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const candidate of candidates) {
    const d = candidate.startsWith(input) && input.length >= 3 ? 0.5 : distance(input.toLowerCase(), candidate.toLowerCase());
    if (d < bestDistance) [best, bestDistance] = [candidate, d];
  }
  return bestDistance <= Math.max(2, Math.floor(input.length / 3)) ? best : undefined;
}

function distance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i += 1) {
    const current = [i];
    for (let j = 1; j <= b.length; j += 1) {
      current[j] = Math.min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    previous = current;
  }
  return previous[b.length];
}

export function printJson(io: CliIo, value: unknown): ExitCode {
  io.out(JSON.stringify(value, null, 2));
  return 0;
}

/** A refusal or a missing target: one line on stderr, exit 1. */
export function fail(io: CliIo, message: string): ExitCode {
  io.err(message);
  return 1;
}
