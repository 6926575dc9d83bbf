import type { FastifyRateLimitStore, FastifyRateLimitStoreCtor } from '@fastify/rate-limit';
import type Redis from 'ioredis';

type StoreCtor = new (continueExceeding: boolean, exponentialBackoff: boolean, ...rest: unknown[]) => FastifyRateLimitStore;
// The plugin's own two stores, plain CommonJS without typings.
const LocalStore = require('@fastify/rate-limit/store/LocalStore') as StoreCtor;
const RedisStore = require('@fastify/rate-limit/store/RedisStore') as StoreCtor;

type Incr = FastifyRateLimitStore['incr'];
type ChildOptions = Parameters<FastifyRateLimitStore['child']>[0];

/**
 * Rate-limit counters in Redis (shared by every instance) that fall back to this process's memory
 * while Redis is unreachable, instead of letting every request through (docs/security.md, "Rate
 * limits"): an outage of the limiter's store must not switch the limits off, which is exactly when
 * a flood would be noticed last. Meanwhile each instance counts alone, so N instances admit up to
 * N times a limit.
 */
export function fallbackRateLimitStore(redis: Redis, nameSpace: string, onFallback: (error: Error) => void): FastifyRateLimitStoreCtor {
  return class {
    /** The plugin passes its merged global options (continueExceeding, exponentialBackoff, cache). */
    constructor(options: { continueExceeding?: boolean; exponentialBackoff?: boolean; cache?: number }) {
      const continueExceeding = Boolean(options.continueExceeding);
      const exponentialBackoff = Boolean(options.exponentialBackoff);
      return new FallbackStore(
        redis,
        new RedisStore(continueExceeding, exponentialBackoff, redis, nameSpace),
        new LocalStore(continueExceeding, exponentialBackoff, options.cache),
        onFallback,
      );
    }
  } as unknown as FastifyRateLimitStoreCtor;
}

class FallbackStore implements FastifyRateLimitStore {
  constructor(
    private readonly redis: Redis,
    private readonly shared: FastifyRateLimitStore,
    private readonly local: FastifyRateLimitStore,
    private readonly onFallback: (error: Error) => void,
  ) {}

  incr(...[key, callback, timeWindow, max]: Parameters<Incr>): void {
    // Not connected (the offline queue is off): count here at once rather than wait for Redis.
    if (this.redis.status !== 'ready') return this.local.incr(key, callback, timeWindow, max);
    this.shared.incr(
      key,
      (error, result) => {
        if (!error) return callback(null, result);
        this.onFallback(error);
        this.local.incr(key, callback, timeWindow, max);
      },
      timeWindow,
      max,
    );
  }

  child(routeOptions: ChildOptions): FastifyRateLimitStore {
    return new FallbackStore(this.redis, this.shared.child(routeOptions), this.local.child(routeOptions), this.onFallback);
  }
}
