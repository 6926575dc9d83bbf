import { JobTimeoutError, WorkerPool, WorkerPoolClosedError, WorkerPoolFullError } from './worker-pool';

/** A job the test finishes by hand: no timing involved. */
function controllable<T = string>() {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  let started = false;
  let signal: AbortSignal | undefined;
  const promise = new Promise<T>((res, rej) => ((resolve = res), (reject = rej)));
  return {
    run: (s: AbortSignal) => ((started = true), (signal = s), promise),
    resolve: (value: T) => resolve(value),
    reject: (error: unknown) => reject(error),
    get started() {
      return started;
    },
    get signal() {
      return signal;
    },
  };
}

const flush = () => new Promise((resolve) => setImmediate(resolve));

describe('WorkerPool', () => {
  const pool = (overrides: Partial<ConstructorParameters<typeof WorkerPool>[0]> = {}) =>
    new WorkerPool({ concurrency: 2, queueLength: 2, jobTimeoutMs: 60_000, retryBaseDelayMs: 100, ...overrides });

  it('runs at most `concurrency` jobs at once and queues the rest in order', async () => {
    const p = pool();
    const jobs = [controllable(), controllable(), controllable()];
    const results = jobs.map((job, i) => p.submit({ name: `j${i}`, run: job.run }));
    await flush();
    expect(jobs.map((job) => job.started)).toEqual([true, true, false]);
    expect(p.stats()).toMatchObject({ running: 2, queued: 1 });
    jobs[0].resolve('a');
    await expect(results[0]).resolves.toBe('a');
    await flush();
    expect(jobs[2].started).toBe(true);
    jobs[1].resolve('b');
    jobs[2].resolve('c');
    await expect(Promise.all(results)).resolves.toEqual(['a', 'b', 'c']);
    expect(p.stats()).toMatchObject({ running: 0, queued: 0, done: 3, failed: 0 });
  });

  it('back-pressure: when every slot runs and the queue is full, submit rejects at once with WorkerPoolFullError', async () => {
    const p = pool({ concurrency: 1, queueLength: 1 });
    const running = controllable();
    const queued = controllable();
    const first = p.submit({ name: 'running', run: running.run });
    const second = p.submit({ name: 'queued', run: queued.run });
    await expect(p.submit({ name: 'refused', run: async () => 'never' })).rejects.toBeInstanceOf(WorkerPoolFullError);
    expect(p.stats()).toMatchObject({ running: 1, queued: 1, rejected: 1 });
    running.resolve('x');
    queued.resolve('y');
    await expect(Promise.all([first, second])).resolves.toEqual(['x', 'y']);
    // room again: accepted
    await expect(p.submit({ name: 'later', run: async () => 'z' })).resolves.toBe('z');
  });

  it('failure isolation: a job that throws (synchronously or not) fails alone; the pool keeps working', async () => {
    const failures: string[] = [];
    const p = pool({ onJobFailed: (job) => failures.push(job.name) });
    const sync = p.submit({
      name: 'sync-throw',
      run: () => {
        throw new Error('boom');
      },
    });
    const async = p.submit({ name: 'async-reject', run: async () => Promise.reject(new Error('bang')) });
    const fine = p.submit({ name: 'fine', run: async () => 42 });
    await expect(sync).rejects.toThrow('boom');
    await expect(async).rejects.toThrow('bang');
    await expect(fine).resolves.toBe(42);
    expect(failures.sort()).toEqual(['async-reject', 'sync-throw']);
    expect(p.stats()).toMatchObject({ done: 1, failed: 2, running: 0 });
  });

  it('an observer that throws does not break the pool either', async () => {
    const p = pool({
      onJobFailed: () => {
        throw new Error('observer');
      },
    });
    await expect(p.submit({ name: 'bad', run: async () => Promise.reject(new Error('x')) })).rejects.toThrow('x');
    await expect(p.submit({ name: 'next', run: async () => 'ok' })).resolves.toBe('ok');
  });

  describe('with fake timers', () => {
    beforeEach(() => jest.useFakeTimers());
    afterEach(() => jest.useRealTimers());

    it('timeout: a job still running after its timeout fails with JobTimeoutError, its signal aborts and its slot is freed', async () => {
      const p = pool({ concurrency: 1, jobTimeoutMs: 1000 });
      const hung = controllable();
      const result = p.submit({ name: 'hung', run: hung.run });
      const next = p.submit({ name: 'next', run: async () => 'next ran' });
      const timedOut = expect(result).rejects.toBeInstanceOf(JobTimeoutError);
      await jest.advanceTimersByTimeAsync(999);
      expect(hung.signal?.aborted).toBe(false);
      await jest.advanceTimersByTimeAsync(1);
      await timedOut;
      expect(hung.signal?.aborted).toBe(true);
      await expect(next).resolves.toBe('next ran');
      expect(p.stats()).toMatchObject({ timedOut: 1, failed: 1, done: 1 });
    });

    it('a job can set its own timeout', async () => {
      const p = pool({ jobTimeoutMs: 60_000 });
      const result = p.submit({ name: 'short', timeoutMs: 10, run: () => new Promise(() => undefined) });
      const assertion = expect(result).rejects.toBeInstanceOf(JobTimeoutError);
      await jest.advanceTimersByTimeAsync(10);
      await assertion;
    });

    it('retry: an idempotent job is retried with exponential backoff (100, 200 ms) and succeeds', async () => {
      const p = pool({ retryBaseDelayMs: 100 });
      let calls = 0;
      const result = p.submit({
        name: 'flaky',
        idempotent: true,
        retries: 2,
        run: async () => {
          calls += 1;
          if (calls < 3) throw new Error(`attempt ${calls}`);
          return 'third time';
        },
      });
      await jest.advanceTimersByTimeAsync(0);
      expect(calls).toBe(1);
      await jest.advanceTimersByTimeAsync(99);
      expect(calls).toBe(1);
      await jest.advanceTimersByTimeAsync(1);
      expect(calls).toBe(2);
      await jest.advanceTimersByTimeAsync(199);
      expect(calls).toBe(2);
      await jest.advanceTimersByTimeAsync(1);
      await expect(result).resolves.toBe('third time');
      expect(p.stats()).toMatchObject({ retried: 2, done: 1, failed: 0 });
    });

    it('retry: gives up after the last attempt with the last error', async () => {
      const p = pool({ retryBaseDelayMs: 10 });
      let calls = 0;
      const result = p.submit({
        name: 'down',
        idempotent: true,
        retries: 1,
        run: async () => {
          calls += 1;
          throw new Error(`failure ${calls}`);
        },
      });
      const assertion = expect(result).rejects.toThrow('failure 2');
      await jest.advanceTimersByTimeAsync(10);
      await assertion;
      expect(calls).toBe(2);
      expect(p.stats()).toMatchObject({ failed: 1, retried: 1 });
    });
  });

  it('retry: a job that is not declared idempotent is never retried (refused outright, synchronously)', async () => {
    const p = pool();
    let calls = 0;
    expect(() => p.submit({ name: 'write', retries: 3, run: async () => void (calls += 1) })).toThrow(/idempotent/);
    expect(calls).toBe(0);
  });

  it('drain: refuses new jobs, lets queued and running jobs finish, then resolves', async () => {
    const p = pool({ concurrency: 1, queueLength: 5 });
    const first = controllable();
    const second = controllable();
    const results = [p.submit({ name: 'a', run: first.run }), p.submit({ name: 'b', run: second.run })];
    let drained = false;
    const drain = p.drain(60_000).then((outcome) => ((drained = true), outcome));
    await expect(p.submit({ name: 'late', run: async () => 1 })).rejects.toBeInstanceOf(WorkerPoolClosedError);
    first.resolve('a');
    await flush();
    expect(drained).toBe(false);
    expect(second.started).toBe(true);
    second.resolve('b');
    await expect(drain).resolves.toEqual({ abandoned: 0 });
    await expect(Promise.all(results)).resolves.toEqual(['a', 'b']);
  });

  it('drain: after its deadline, aborts what is left and reports it', async () => {
    jest.useFakeTimers();
    try {
      const p = pool({ concurrency: 1, queueLength: 5 });
      const stuck = controllable();
      const running = p.submit({ name: 'stuck', run: stuck.run });
      const waiting = p.submit({ name: 'waiting', run: async () => 'never started' });
      const runningOutcome = expect(running).rejects.toBeInstanceOf(WorkerPoolClosedError);
      const waitingOutcome = expect(waiting).rejects.toBeInstanceOf(WorkerPoolClosedError);
      const drain = p.drain(5000);
      await jest.advanceTimersByTimeAsync(5000);
      await expect(drain).resolves.toEqual({ abandoned: 2 });
      await runningOutcome;
      await waitingOutcome;
      expect(stuck.signal?.aborted).toBe(true);
    } finally {
      jest.useRealTimers();
    }
  });

  it('drain on an idle pool resolves at once', async () => {
    await expect(pool().drain(1)).resolves.toEqual({ abandoned: 0 });
  });
});
