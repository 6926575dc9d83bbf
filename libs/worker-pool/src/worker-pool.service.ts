import { APP_CONFIG, AppConfig } from '@app/config';
import { BeforeApplicationShutdown, Inject, Injectable, Logger } from '@nestjs/common';
import { Job, WorkerPool, WorkerPoolStats } from './worker-pool';

/**
 * The application's worker pool, sized from WORKER_POOL_* and drained at shutdown. Two lanes:
 * background I/O jobs (audit writes, sweeps), and CPU-bound jobs (bcrypt) whose concurrency is kept
 * below the number of CPUs, so that hashing never takes the core the event loop runs on.
 */
@Injectable()
export class WorkerPoolService implements BeforeApplicationShutdown {
  private readonly logger = new Logger(WorkerPoolService.name);
  private readonly pool: WorkerPool;
  private readonly cpu: WorkerPool;

  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {
    this.pool = new WorkerPool({
      concurrency: config.workerPool.size,
      queueLength: config.workerPool.queueLength,
      jobTimeoutMs: config.workerPool.jobTimeoutSeconds * 1000,
      onJobFailed: (job, error) => this.logger.error({ job: job.name, attempts: job.attempts, err: error }, 'background job failed'),
    });
    this.cpu = new WorkerPool({
      concurrency: config.workerPool.cpuSize,
      queueLength: config.workerPool.queueLength,
      jobTimeoutMs: config.workerPool.jobTimeoutSeconds * 1000,
    });
  }

  /**
   * Runs a CPU-bound job (its work already off the event loop, e.g. bcrypt in libuv's threads) with
   * at most WORKER_POOL_CPU_SIZE at once; the caller awaits it. Rejects with WorkerPoolFullError
   * when the queue is full, which the error filter answers with 503 temporarily_unavailable.
   */
  runCpuBound<T>(job: Job<T>): Promise<T> {
    return this.cpu.submit(job);
  }

  cpuStats(): WorkerPoolStats {
    return this.cpu.stats();
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
    const grace = this.config.shutdown.graceSeconds * 1000;
    const [background, cpu] = await Promise.all([this.pool.drain(grace), this.cpu.drain(grace)]);
    const abandoned = background.abandoned + cpu.abandoned;
    if (abandoned > 0) this.logger.error({ abandoned }, 'worker pool drain hit the grace period; jobs abandoned');
  }
}
