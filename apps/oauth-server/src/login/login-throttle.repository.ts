import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';

/**
 * Login attempt counters per key (an HMAC of username + client address, or of the username
 * alone), kept in the database so that every instance counts the same attempts. An attempt is
 * counted before its password is checked (docs/security.md, "Login throttle"): a check-then-record
 * counter lets every parallel guess through while the first one is still being hashed.
 */
@Injectable()
export class LoginThrottleRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /**
   * Counts one attempt and returns the attempts of the current window, this one included, in one
   * statement: parallel attempts get distinct numbers. A window that has ended starts again at 1.
   */
  async take(keyHash: string, windowSeconds: number): Promise<number> {
    const result: unknown = await this.dataSource.query(
      `INSERT INTO login_throttle AS t (key_hash, failures, window_ends_at) VALUES ($1, 1, now() + make_interval(secs => $2))
       ON CONFLICT (key_hash) DO UPDATE SET
         failures = CASE WHEN t.window_ends_at > now() THEN t.failures + 1 ELSE 1 END,
         window_ends_at = CASE WHEN t.window_ends_at > now() THEN t.window_ends_at ELSE now() + make_interval(secs => $2) END
       RETURNING failures`,
      [keyHash, windowSeconds],
    );
    return Number(firstRow<{ failures: number }>(result)?.failures);
  }

  /** Gives one attempt back (a successful login does not count against the username). */
  async giveBack(keyHash: string): Promise<void> {
    await this.dataSource.query(`UPDATE login_throttle SET failures = failures - 1 WHERE key_hash = $1 AND failures > 0`, [keyHash]);
  }

  async clear(keyHash: string): Promise<void> {
    await this.dataSource.query(`DELETE FROM login_throttle WHERE key_hash = $1`, [keyHash]);
  }
}

/** TypeORM returns rows for INSERT … RETURNING on node-postgres, [rows, count] on some drivers. */
function firstRow<T>(result: unknown): T | undefined {
  const rows = result as unknown[];
  return (Array.isArray(rows[0]) ? (rows[0] as T[])[0] : rows[0]) as T | undefined;
}
