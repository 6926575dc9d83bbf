/** Thrown when the instance already has as many password checks running and queued as it accepts. */
export class PasswordChecksBusyError extends Error {
  override readonly name = 'PasswordChecksBusyError';
  constructor(readonly retryAfterSeconds: number) {
    super('too many password checks in progress');
  }
}

interface Waiting {
  source: string;
  start: () => void;
  refuse: (error: PasswordChecksBusyError) => void;
}

/**
 * Bounds the slow password checks (bcrypt) of one instance, and keeps one source's flood from
 * delaying everyone else's login (docs/security.md, "Password-check flood"):
 *
 * - at most `concurrency` run at once and at most `maxPending` run or wait; beyond that a check is
 *   refused at once (the caller answers 503 with Retry-After) instead of queueing for seconds;
 * - a check from a source (client address) with nothing else running or waiting goes ahead of the
 *   queued checks of sources that already have one, and may start on one slot kept for such first
 *   checks when the `concurrency` slots are busy: a legitimate login from its own address does not
 *   wait for a flood's running check, however many an attacker has queued;
 * - when full, such a first check takes the place of the newest queued repeat check, which is
 *   refused instead.
 */
/** Slots beyond `concurrency` that only a source's first pending check may take. */
const RESERVED_FOR_FIRST_CHECKS = 1;

export class PasswordCheckGate {
  private running = 0;
  private readonly firstQueue: Waiting[] = [];
  private readonly repeatQueue: Waiting[] = [];
  private readonly pendingBySource = new Map<string, number>();
  private averageMs = 100;

  constructor(
    private readonly concurrency: number,
    private readonly maxPending: number,
  ) {
    if (concurrency < 1 || maxPending < concurrency) throw new RangeError('concurrency ≥ 1 and maxPending ≥ concurrency');
  }

  /** Runs `check` when a slot is free; rejects at once with PasswordChecksBusyError when full. */
  async run<T>(source: string, check: () => Promise<T>): Promise<T> {
    await this.admit(source);
    const started = Date.now();
    try {
      return await check();
    } finally {
      this.averageMs = 0.8 * this.averageMs + 0.2 * (Date.now() - started);
      this.running -= 1;
      this.forget(source);
      this.next();
    }
  }

  /**
   * The refusal `run` would give a check from `source` now, or undefined when it would be admitted:
   * lets the caller refuse a flood before doing any other work for it (no throttle statements).
   */
  refusalFor(source: string): PasswordChecksBusyError | undefined {
    if (this.pending() < this.maxPending) return undefined;
    const first = !this.pendingBySource.has(source);
    return first && this.repeatQueue.length > 0 ? undefined : this.busy();
  }

  stats(): { running: number; queued: number } {
    return { running: this.running, queued: this.firstQueue.length + this.repeatQueue.length };
  }

  private admit(source: string): Promise<void> {
    const first = !this.pendingBySource.has(source);
    if (this.pending() >= this.maxPending) {
      const displaced = first ? this.repeatQueue.pop() : undefined;
      if (!displaced) return Promise.reject(this.busy());
      this.forget(displaced.source);
      displaced.refuse(this.busy());
    }
    this.pendingBySource.set(source, (this.pendingBySource.get(source) ?? 0) + 1);
    if (this.running < this.concurrency || (first && this.running < this.concurrency + RESERVED_FOR_FIRST_CHECKS)) {
      this.running += 1;
      return Promise.resolve();
    }
    return new Promise<void>((resolve, reject) => {
      const waiting: Waiting = { source, start: resolve, refuse: reject };
      (first ? this.firstQueue : this.repeatQueue).push(waiting);
    });
  }

  private next(): void {
    // The reserved slot serves only first checks; a repeat check waits for a regular one.
    const waiting = this.firstQueue.shift() ?? (this.running < this.concurrency ? this.repeatQueue.shift() : undefined);
    if (!waiting) return;
    this.running += 1;
    waiting.start();
  }

  private pending(): number {
    return this.running + this.firstQueue.length + this.repeatQueue.length;
  }

  private forget(source: string): void {
    const left = (this.pendingBySource.get(source) ?? 1) - 1;
    if (left > 0) this.pendingBySource.set(source, left);
    else this.pendingBySource.delete(source);
  }

  /** RFC 9110 §10.2.3 Retry-After: about the time the checks now pending take, at least a second. */
  private busy(): PasswordChecksBusyError {
    return new PasswordChecksBusyError(Math.max(1, Math.ceil((this.pending() * this.averageMs) / this.concurrency / 1000)));
  }
}
