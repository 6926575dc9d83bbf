import { WorkerPoolService } from '@app/worker-pool';
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import { DataSource } from 'typeorm';

/** The pg.Pool counters we read; PGlite's single embedded connection has none of them. */
interface PgPoolLike {
  totalCount?: number;
  idleCount?: number;
  waitingCount?: number;
}

/**
 * Every Prometheus metric of the process, in a registry of this app's own (tests run several apps
 * in one process). Feature modules increment the counters; docs/operations.md lists them all.
 */
@Injectable()
export class MetricsService {
  readonly registry = new Registry();

  readonly httpRequestDuration = new Histogram({
    name: 'http_request_duration_seconds',
    help: 'HTTP request latency by method, route pattern and status code',
    labelNames: ['method', 'route', 'status_code'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [this.registry],
  });

  /** RFC 7591/7592 registration changes as they are committed: registered, updated, deleted, self_service_changed. */
  readonly clientRegistrationEvents = new Counter({
    name: 'tessera_client_registration_events_total',
    help: 'Committed client registration changes by event',
    labelNames: ['event'] as const,
    registers: [this.registry],
  });

  /** For the token endpoint: one per issued access token, by RFC 6749 grant_type. */
  readonly tokensIssued = new Counter({
    name: 'tessera_tokens_issued_total',
    help: 'Access tokens issued by grant type',
    labelNames: ['grant_type'] as const,
    registers: [this.registry],
  });

  /** For the login form: failed end-user authentications, by reason (bad_credentials, throttled, ...). */
  readonly loginFailures = new Counter({
    name: 'tessera_login_failures_total',
    help: 'Failed end-user logins by reason',
    labelNames: ['reason'] as const,
    registers: [this.registry],
  });

  constructor(pool: WorkerPoolService, @InjectDataSource() dataSource: DataSource) {
    collectDefaultMetrics({ register: this.registry });
    new Gauge({
      name: 'tessera_worker_pool_jobs',
      help: 'Worker pool jobs waiting (queued) and running now, per lane (background, cpu)',
      labelNames: ['pool', 'state'] as const,
      registers: [this.registry],
      collect() {
        for (const [lane, stats] of [['background', pool.stats()], ['cpu', pool.cpuStats()]] as const) {
          this.set({ pool: lane, state: 'queued' }, stats.queued);
          this.set({ pool: lane, state: 'running' }, stats.running);
        }
      },
    });
    new Counter({
      name: 'tessera_worker_pool_jobs_finished_total',
      help: 'Worker pool jobs by outcome: done, failed, rejected (pool full or closed), timed_out, retried',
      labelNames: ['pool', 'outcome'] as const,
      registers: [this.registry],
      collect() {
        this.reset();
        for (const [lane, stats] of [['background', pool.stats()], ['cpu', pool.cpuStats()]] as const) {
          this.inc({ pool: lane, outcome: 'done' }, stats.done);
          this.inc({ pool: lane, outcome: 'failed' }, stats.failed);
          this.inc({ pool: lane, outcome: 'rejected' }, stats.rejected);
          this.inc({ pool: lane, outcome: 'timed_out' }, stats.timedOut);
          this.inc({ pool: lane, outcome: 'retried' }, stats.retried);
        }
      },
    });
    new Gauge({
      name: 'tessera_db_pool_connections',
      help: 'Database pool connections: total (open), idle, and waiting (requests queued for a connection)',
      labelNames: ['state'] as const,
      registers: [this.registry],
      collect() {
        const driver = dataSource.driver as unknown as { master?: PgPoolLike };
        const master = driver.master ?? {};
        this.set({ state: 'total' }, master.totalCount ?? 0);
        this.set({ state: 'idle' }, master.idleCount ?? 0);
        this.set({ state: 'waiting' }, master.waitingCount ?? 0);
      },
    });
  }

  /** Called once per response by the HTTP hook in http-operations.ts. */
  observeRequest(method: string, route: string, statusCode: number, seconds: number): void {
    this.httpRequestDuration.observe({ method, route, status_code: String(statusCode) }, seconds);
  }
}
