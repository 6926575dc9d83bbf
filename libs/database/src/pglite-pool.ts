import type { PGlite } from '@electric-sql/pglite';
import { EventEmitter } from 'node:events';
import { getPGliteInstance } from 'typeorm-pglite';
import { PGliteInstance } from 'typeorm-pglite/dist/pglite-instance';

type Callback<T> = (error: Error | null, result?: T) => void;

/**
 * A `pg.Pool` look-alike over the single embedded PGlite connection that hands the connection to
 * one holder at a time. typeorm-pglite's own pool shares it freely, so two requests' statements
 * would interleave inside one BEGIN…COMMIT and a rollback could undo another request's write.
 */
export class SerializedPGlitePool extends EventEmitter {
  /** DataSources sharing the process-wide instance (the server and, say, a CLI context in a test). */
  private static open = 0;
  private tail: Promise<void> = Promise.resolve();
  private ended = false;

  constructor() {
    super();
    SerializedPGlitePool.open += 1;
  }

  connect(callback: (error: Error | null, client?: unknown, release?: () => void) => void): void {
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    const previous = this.tail;
    this.tail = previous.then(() => held);
    previous
      .then(() => getPGliteInstance())
      .then(
        () => callback(null, this, () => release()),
        (error: Error) => {
          release();
          callback(error);
        },
      );
  }

  query(sql: string, params?: unknown[] | Callback<unknown>, callback?: Callback<unknown>): Promise<unknown> {
    const done = typeof params === 'function' ? params : callback;
    const values = typeof params === 'function' ? undefined : params;
    const result = getPGliteInstance().then((db: PGlite) =>
      values && values.length > 0
        ? db.query(sql, values)
        : // TypeORM expects the last statement's result for a multi-statement string.
          db.exec(sql).then((results) => results[results.length - 1] ?? { rows: [], fields: [] }),
    );
    result.then(
      (rows) => done?.(null, rows),
      (error: Error) => done?.(error),
    );
    return result;
  }

  end(callback?: (error?: Error | null) => void): void {
    if (!this.ended) {
      this.ended = true;
      SerializedPGlitePool.open -= 1;
    }
    if (SerializedPGlitePool.open > 0) {
      callback?.(null);
      return;
    }
    // The last user closes and forgets the instance, so a later DataSource starts a fresh one.
    PGliteInstance.close().then(
        () => callback?.(null),
        (error: Error) => callback?.(error),
      );
  }
}
