/**
 * What a database error may put in a log line: the statement text and the driver's diagnostics.
 * Never its parameters (secret hashes, client metadata, addresses) nor PostgreSQL's `detail`
 * ("Key (secret_hash)=(…) already exists", "Failing row contains (…)"), which repeats them.
 */
const DATABASE_ERROR_FIELDS = ['code', 'query', 'severity', 'constraint', 'table', 'column', 'schema', 'routine', 'position'];

/** Fields that hold another error, serialized the same way (a `cause` keeps its own fields). */
const NESTED_ERROR_FIELDS = new Set(['cause', 'errors']);

type ErrorLike = Error & Record<string, unknown>;

/**
 * pino's `err` serializer for every logger: type, message and stack, the error's own fields, and
 * its cause. A database error (TypeORM's QueryFailedError, pg's or PGlite's DatabaseError) keeps
 * only DATABASE_ERROR_FIELDS, and a value PostgreSQL quotes in its message ('invalid input syntax
 * for type uuid: "…"') is cut out. Tested in error-serializer.spec.ts and request-logging.e2e-spec.ts.
 */
export function serializeError(value: unknown): unknown {
  return serialize(value, new Set());
}

function serialize(value: unknown, seen: Set<unknown>): unknown {
  if (!isErrorLike(value)) return value;
  if (seen.has(value)) return { type: errorType(value), message: '(circular)' };
  seen.add(value);
  const database = isDatabaseError(value);
  const message = database ? withoutQuotedValue(value.message) : value.message;
  const out: Record<string, unknown> = { type: errorType(value), message };
  if (typeof value.stack === 'string') out.stack = database ? value.stack.replace(value.message, message) : value.stack;
  if (database) {
    for (const field of DATABASE_ERROR_FIELDS) if (value[field] !== undefined) out[field] = value[field];
  } else {
    for (const field in value) {
      if (out[field] !== undefined || NESTED_ERROR_FIELDS.has(field)) continue;
      const inner = value[field];
      out[field] = isErrorLike(inner) ? serialize(inner, seen) : inner;
    }
  }
  if (isErrorLike(value.cause)) out.cause = serialize(value.cause, seen);
  if (Array.isArray(value.errors)) out.aggregateErrors = value.errors.map((inner) => serialize(inner, seen));
  return out;
}

function isErrorLike(value: unknown): value is ErrorLike {
  return value !== null && typeof value === 'object' && typeof (value as { message?: unknown }).message === 'string';
}

function errorType(error: ErrorLike): string {
  return typeof error.constructor === 'function' && error.constructor.name ? error.constructor.name : String(error.name);
}

/** QueryFailedError carries `query`, `parameters` and `driverError`; pg's and PGlite's errors a `severity`. */
function isDatabaseError(error: ErrorLike): boolean {
  return 'parameters' in error || 'driverError' in error || (typeof error.severity === 'string' && typeof error.code === 'string');
}

function withoutQuotedValue(message: string): string {
  // PostgreSQL appends the rejected input: invalid input syntax for type uuid: "…"
  return message.replace(/: ".*"$/s, ': (value not logged)');
}
