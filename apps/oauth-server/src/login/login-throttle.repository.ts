import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';

/**
 * Failed-login counters per key (an HMAC of username + client address), kept in the database so
 * that every instance counts the same attempts.
 */
@Injectable()
export class LoginThrottleRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** Failures recorded in the current window (0 when the window has ended). */
  async failures(keyHash: string): Promise<number> {
    const rows: { failures: number }[] = await this.dataSource.query(
      `SELECT failures FROM login_throttle WHERE key_hash = $1 AND window_ends_at > now()`,
      [keyHash],
    );
    return rows[0]?.failures ?? 0;
  }

  /** Counts one failure atomically; a window that has ended starts again at 1. */
  async recordFailure(keyHash: string, windowSeconds: number): Promise<void> {
    await this.dataSource.query(
      `INSERT INTO login_throttle (key_hash, failures, window_ends_at) VALUES ($1, 1, now() + make_interval(secs => $2))
       ON CONFLICT (key_hash) DO UPDATE SET
         failures = CASE WHEN login_throttle.window_ends_at > now() THEN login_throttle.failures + 1 ELSE 1 END,
         window_ends_at = CASE WHEN login_throttle.window_ends_at > now() THEN login_throttle.window_ends_at
                               ELSE now() + make_interval(secs => $2) END`,
      [keyHash, windowSeconds],
    );
  }

  async clear(keyHash: string): Promise<void> {
    await this.dataSource.query(`DELETE FROM login_throttle WHERE key_hash = $1`, [keyHash]);
  }
}
