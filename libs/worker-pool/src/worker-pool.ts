/**
 * A bounded, in-process pool for background work that must not run on the request path:
 * audit writes, sweeps. Jobs are async functions; at most `concurrency` run at once and at most
 * `queueLength` wait. The pool never blocks a caller: when the queue is full `submit` rejects at
 * once with WorkerPoolFullError (back-pressure by refusal, so a request never waits on background
 * work). See docs/operations.md for why this is async and not worker_threads.
 */
export interface WorkerPoolOptions {
  concurrency: number;
  queueLength: number;
  /** Default per-job timeout; a job may set its own. */
  jobTimeoutMs: number;
  /** First retry delay; each further retry doubles it. */
  retryBaseDelayMs?: number;
  /** Called with every job failure (after the last attempt); the pool itself never throws it. */
  onJobFailed?: (job: { name: string; attempts: number }, error: unknown) => void;
}

export interface Job<T> {
  /** For logs and metrics, e.g. "audit.record". */
  name: string;
  /** The work; `signal` aborts when the job times out or the pool gives up on it at shutdown. */
  run: (signal: AbortSignal) => Promise<T>;
  timeoutMs?: number;
  /**
   * Retries only make sense for idempotent jobs (running twice has the effect of once); the pool
   * refuses `retries` without `idempotent: true` so nobody retries a non-idempotent write by accident.
   */
  idempotent?: boolean;
  retries?: number;
}

export interface WorkerPoolStats {
  queued: number;
  running: number;
  done: number;
  failed: number;
  rejected: number;
  timedOut: number;
  retried: number;
}

export class WorkerPoolFullError extends Error {
  override readonly name = 'WorkerPoolFullError';
}

export class WorkerPoolClosedError extends Error {
  override readonly name = 'WorkerPoolClosedError';
}

export class JobTimeoutError extends Error {
  override readonly name = 'JobTimeoutError';
}

interface Entry {
  job: Job<unknown>;
  resolve: (value: unknown) => void;
  reject: (error: unknown) => void;
  controller: AbortController;
}

export class WorkerPool {
  private readonly queue: Entry[] = [];
  private readonly active = new Set<Entry>();
  private readonly counters = { done: 0, failed: 0, rejected: 0, timedOut: 0, retried: 0 };
  private closed = false;
  private idleWaiters: (() => void)[] = [];

  constructor(private readonly options: WorkerPoolOptions) {
    if (options.concurrency < 1 || options.queueLength < 0) throw new RangeError('concurrency ≥ 1 and queueLength ≥ 0');
  }

  /**
   * Queues the job and resolves with its result. Rejects at once with WorkerPoolFullError when
   * every slot runs and the queue is full, or WorkerPoolClosedError once draining has begun.
   * Throws (synchronously) a TypeError for retries on a job not declared idempotent.
   */
  submit<T>(job: Job<T>): Promise<T> {
    // A programming error, not load: thrown at once so it cannot pass unnoticed.
    if ((job.retries ?? 0) > 0 && !job.idempotent) throw new TypeError(`job ${job.name}: retries require idempotent: true`);
    if (this.closed) {
      this.counters.rejected += 1;
      return Promise.reject(new WorkerPoolClosedError(`worker pool is shutting down; job ${job.name} refused`));
    }
    if (this.active.size >= this.options.concurrency && this.queue.length >= this.options.queueLength) {
      this.counters.rejected += 1;
      return Promise.reject(new WorkerPoolFullError(`worker pool queue is full (${this.options.queueLength}); job ${job.name} refused`));
    }
    return new Promise<T>((resolve, reject) => {
      this.queue.push({ job: job as Job<unknown>, resolve: resolve as (value: unknown) => void, reject, controller: new AbortController() });
      this.pump();
    });
  }

  stats(): WorkerPoolStats {
    return { queued: this.queue.length, running: this.active.size, ...this.counters };
  }

  /**
   * Refuses new jobs, then waits for queued and running jobs to finish. After `timeoutMs` the rest
   * are aborted (their promises reject) and the count of abandoned jobs is returned.
   */
  async drain(timeoutMs: number): Promise<{ abandoned: number }> {
    this.closed = true;
    if (this.isIdle()) return { abandoned: 0 };
    let timer: NodeJS.Timeout | undefined;
    const idle = new Promise<boolean>((resolve) => this.idleWaiters.push(() => resolve(true)));
    const deadline = new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), timeoutMs)));
    const finished = await Promise.race([idle, deadline]);
    clearTimeout(timer);
    if (finished) return { abandoned: 0 };
    const abandoned = [...this.queue.splice(0), ...this.active];
    for (const entry of abandoned) {
      entry.controller.abort(new WorkerPoolClosedError('abandoned at shutdown'));
      entry.reject(new WorkerPoolClosedError(`job ${entry.job.name} abandoned at shutdown`));
    }
    this.active.clear();
    return { abandoned: abandoned.length };
  }

  private isIdle(): boolean {
    return this.queue.length === 0 && this.active.size === 0;
  }

  private pump(): void {
    while (this.active.size < this.options.concurrency && this.queue.length > 0) {
      const entry = this.queue.shift()!;
      this.active.add(entry);
      void this.execute(entry);
    }
    if (this.isIdle()) {
      for (const wake of this.idleWaiters.splice(0)) wake();
    }
  }

  private async execute(entry: Entry): Promise<void> {
    const { job } = entry;
    const attempts = 1 + (job.idempotent ? (job.retries ?? 0) : 0);
    let lastError: unknown;
    for (let attempt = 1; attempt <= attempts; attempt += 1) {
      if (entry.controller.signal.aborted) break;
      if (attempt > 1) {
        this.counters.retried += 1;
        await sleep((this.options.retryBaseDelayMs ?? 100) * 2 ** (attempt - 2));
        if (entry.controller.signal.aborted) break;
      }
      try {
        const value = await this.attempt(entry);
        if (!this.active.delete(entry)) return; // abandoned by drain meanwhile
        this.counters.done += 1;
        entry.resolve(value);
        this.pump();
        return;
      } catch (error) {
        lastError = error;
      }
    }
    if (!this.active.delete(entry)) return;
    this.counters.failed += 1;
    try {
      this.options.onJobFailed?.({ name: job.name, attempts }, lastError);
    } catch {
      // a faulty observer must not take the pool down either
    }
    entry.reject(lastError);
    this.pump();
  }

  /** One attempt with its timeout. Synchronous throws become rejections (failure isolation). */
  private attempt(entry: Entry): Promise<unknown> {
    const timeoutMs = entry.job.timeoutMs ?? this.options.jobTimeoutMs;
    const attemptController = new AbortController();
    const onAbort = () => attemptController.abort(entry.controller.signal.reason);
    entry.controller.signal.addEventListener('abort', onAbort, { once: true });
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        this.counters.timedOut += 1;
        const error = new JobTimeoutError(`job ${entry.job.name} timed out after ${timeoutMs} ms`);
        attemptController.abort(error);
        reject(error);
      }, timeoutMs);
    });
    const run = new Promise<unknown>((resolve, reject) => {
      try {
        entry.job.run(attemptController.signal).then(resolve, reject);
      } catch (error) {
        reject(error);
      }
    });
    return Promise.race([run, timeout]).finally(() => {
      clearTimeout(timer);
      entry.controller.signal.removeEventListener('abort', onAbort);
    });
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
