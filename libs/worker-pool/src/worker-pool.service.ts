import { APP_CONFIG, AppConfig } from '@app/config';
import { BeforeApplicationShutdown, Inject, Injectable, Logger } from '@nestjs/common';
import { Job, WorkerPool, WorkerPoolStats } from './worker-pool';

/** The application's one worker pool, sized from WORKER_POOL_* and drained at shutdown. */
@Injectable()
export class WorkerPoolService implements BeforeApplicationShutdown {
  private readonly logger = new Logger(WorkerPoolService.name);
  private readonly pool: WorkerPool;

  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {
    this.pool = new WorkerPool({
      concurrency: config.workerPool.size,
      queueLength: config.workerPool.queueLength,
      jobTimeoutMs: config.workerPool.jobTimeoutSeconds * 1000,
      onJobFailed: (job, error) => this.logger.error({ job: job.name, attempts: job.attempts, err: error }, 'background job failed'),
    });
  }

  /** Runs the job and resolves with its result; rejects with WorkerPoolFullError when full. */
  run<T>(job: Job<T>): Promise<T> {
    return this.pool.submit(job);
  }

  /**
   * Fire and forget: queues the job and returns whether it was accepted. A refused or failed job
   * is logged here (without its input); the caller decides what a refusal means for it.
   */
  runInBackground(job: Job<unknown>): boolean {
    const before = this.pool.stats().rejected;
    this.pool.submit(job).catch(() => undefined); // failures are logged through onJobFailed
    const accepted = this.pool.stats().rejected === before;
    if (!accepted) this.logger.warn({ job: job.name }, 'worker pool refused a background job');
    return accepted;
  }

  stats(): WorkerPoolStats {
    return this.pool.stats();
  }

  /** Nest calls this after the HTTP server stopped taking requests (main.ts closes it first). */
  async beforeApplicationShutdown(): Promise<void> {
    const { abandoned } = await this.pool.drain(this.config.shutdown.graceSeconds * 1000);
    if (abandoned > 0) this.logger.error({ abandoned }, 'worker pool drain hit the grace period; jobs abandoned');
  }
}
