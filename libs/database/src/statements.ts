import { createHash } from 'node:crypto';
import { Pool, Query, QueryResult } from 'pg';
import { DataSource, QueryFailedError } from 'typeorm';

/** The pg.Pool option that data-source-options.ts sets from DATABASE_PREPARED_STATEMENTS. */
export const PREPARED_STATEMENTS_OPTION = 'tesseraPreparedStatements';

const names = new Map<string, string>();

/**
 * Runs one statement of a hot path (the registration access token lookup, a registration's
 * INSERT) and returns its rows. On PostgreSQL it goes to the pg pool as a named prepared
 * statement, so each connection parses and plans it once instead of on every request — for the
 * token lookup's join that is most of PostgreSQL's work. The name is derived from the text, so two
 * texts never share one; pass constant texts (each distinct text stays prepared on every connection). With DATABASE_PREPARED_STATEMENTS=false (a pooler that cannot keep
 * prepared statements), and on PGlite, it runs through TypeORM like any other query: there the
 * query runner also holds PGlite's single connection for the statement.
 */
export async function runStatement<Row>(dataSource: DataSource, sql: string, params: unknown[]): Promise<Row[]> {
  const pool = (dataSource.driver as { master?: unknown }).master;
  if (!(pool instanceof Pool) || (pool as Pool & { options: Record<string, unknown> }).options[PREPARED_STATEMENTS_OPTION] !== true) {
    return dataSource.query(sql, params);
  }
  try {
    // pg-pool runs a Query instance like a config object and, given no callback of its own, still promises its result.
    const result = (await pool.query(new NamedQuery(statementName(sql), sql, params) as never)) as unknown as QueryResult;
    return result.rows as Row[];
  } catch (error) {
    // The same error type TypeORM's own queries throw, so callers and the error mapping see no difference.
    throw new QueryFailedError(sql, params, error as Error);
  }
}

/**
 * pg's Query for a named statement. Given a QueryConfig object, pg copies it through its property
 * descriptors, which leaves a slow dictionary-mode object: ~3.5 µs per query against ~0.1 µs for a
 * Query built from the text and then given its name (pg reads the name when it sends the query).
 */
class NamedQuery extends Query {
  constructor(name: string, text: string, values: unknown[]) {
    super(text, values);
    (this as unknown as { name: string }).name = name;
  }
}

function statementName(sql: string): string {
  let name = names.get(sql);
  if (!name) {
    name = `tessera_${createHash('sha256').update(sql).digest('hex').slice(0, 24)}`;
    names.set(sql, name);
  }
  return name;
}

/**
 * PostgreSQL 23503 foreign_key_violation, as pg and PGlite report it through TypeORM: the row a
 * write refers to (a client, a user, a consent grant) was deleted by a concurrent transaction.
 */
export function isForeignKeyViolation(error: unknown): boolean {
  if (!(error instanceof QueryFailedError)) return false;
  const { code, driverError } = error as QueryFailedError & { code?: unknown; driverError?: { code?: unknown } };
  return (driverError?.code ?? code) === '23503';
}
