import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';

/**
 * One module's housekeeping, e.g. "delete expired registration tokens". `run` gets the sweeper's
 * connection (it holds the advisory lock), deletes what is due and returns how many rows went.
 * Tasks must be idempotent: a failed sweep is retried as a whole.
 */
export interface CleanupTask {
  name: string;
  run(manager: EntityManager): Promise<number>;
}

/** Modules register their cleanup tasks here (in onModuleInit); the sweeper runs them all. */
@Injectable()
export class CleanupRegistry {
  private readonly tasks = new Map<string, CleanupTask>();

  register(task: CleanupTask): void {
    if (this.tasks.has(task.name)) throw new Error(`cleanup task ${task.name} is already registered`);
    this.tasks.set(task.name, task);
  }

  unregister(name: string): void {
    this.tasks.delete(name);
  }

  list(): CleanupTask[] {
    return [...this.tasks.values()];
  }
}

/**
 * Deletes rows matching `where` in batches, so one sweep never holds locks on a large table for
 * long. `where` is a constant SQL condition of the module's own (no user input).
 */
export async function deleteInBatches(manager: EntityManager, table: string, where: string, batchSize = 1000): Promise<number> {
  let total = 0;
  for (;;) {
    // RETURNING and a structured result count the same way on PostgreSQL and on PGlite.
    const runner = manager.queryRunner;
    if (!runner) throw new Error('deleteInBatches runs on the sweeper connection (runner.manager)');
    const result = await runner.query(
      `WITH doomed AS (SELECT ctid FROM ${table} WHERE ${where} LIMIT ${batchSize})
       DELETE FROM ${table} WHERE ctid IN (SELECT ctid FROM doomed) RETURNING 1`,
      [],
      true,
    );
    const deleted = result.records.length;
    total += deleted;
    if (deleted < batchSize) return total;
  }
}
