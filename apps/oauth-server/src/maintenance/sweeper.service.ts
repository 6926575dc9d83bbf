import { APP_CONFIG, AppConfig } from '@app/config';
import { WorkerPoolService } from '@app/worker-pool';
import { Inject, Injectable, Logger, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { CleanupRegistry } from './cleanup-registry';

/** pg_try_advisory_lock(classid, objid): Tessera's sweeper; any other instance on the database skips. */
export const SWEEPER_LOCK = [0x7e55, 1] as const;

export type SweepResult = { ran: false; reason: 'locked' } | { ran: true; deleted: Record<string, number> };

/**
 * Runs every registered cleanup task on a schedule (SWEEPER_INTERVAL_SECONDS) as a worker-pool job,
 * on one instance at a time: a session-level PostgreSQL advisory lock held for the sweep (released
 * by PostgreSQL itself if the instance dies mid-sweep).
 */
@Injectable()
export class SweeperService implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(SweeperService.name);
  private timer: NodeJS.Timeout | undefined;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly registry: CleanupRegistry,
    private readonly pool: WorkerPoolService,
  ) {}

  onApplicationBootstrap(): void {
    const seconds = this.config.maintenance.sweepIntervalSeconds;
    if (seconds <= 0) return;
    this.timer = setInterval(() => this.scheduleSweep(), seconds * 1000);
    this.timer.unref(); // never keeps a CLI run or a test alive
  }

  onModuleDestroy(): void {
    clearInterval(this.timer);
  }

  /** Queues one sweep on the worker pool (retried twice: every task is idempotent). */
  scheduleSweep(): boolean {
    return this.pool.runInBackground({ name: 'maintenance.sweep', idempotent: true, retries: 2, run: () => this.sweepOnce() });
  }

  /**
   * One sweep: take the lock or return at once; run each task, a failing task not stopping the
   * others; throw at the end if any failed, so the pool retries.
   */
  async sweepOnce(): Promise<SweepResult> {
    const runner = this.dataSource.createQueryRunner();
    await runner.connect();
    try {
      const [{ locked }]: { locked: boolean }[] = await runner.query('SELECT pg_try_advisory_lock($1, $2) AS locked', [...SWEEPER_LOCK]);
      if (!locked) {
        this.logger.debug('another instance is sweeping; skipped');
        return { ran: false, reason: 'locked' };
      }
      try {
        const deleted: Record<string, number> = {};
        const failures: unknown[] = [];
        for (const task of this.registry.list()) {
          try {
            deleted[task.name] = await task.run(runner.manager);
          } catch (error) {
            failures.push(error);
            this.logger.error({ task: task.name, err: error }, 'cleanup task failed');
          }
        }
        if (failures.length > 0) throw new AggregateError(failures, `${failures.length} cleanup task(s) failed`);
        this.logger.log({ deleted }, 'sweep finished');
        return { ran: true, deleted };
      } finally {
        await runner.query('SELECT pg_advisory_unlock($1, $2)', [...SWEEPER_LOCK]);
      }
    } finally {
      await runner.release();
    }
  }
}
