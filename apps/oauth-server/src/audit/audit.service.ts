import { currentRequestContext, SECRET_FIELDS, setRequestClientId } from '@app/logging';
import { WorkerPoolService } from '@app/worker-pool';
import { Injectable, Logger } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { MetricsService } from '../metrics/metrics.service';
import { AuditEvent } from './audit-event.entity';
import { AuditRepository } from './audit.repository';

export type AuditActor = 'anonymous' | 'initial_access_token' | 'client' | 'operator';

export interface AuditRecord {
  /** Dotted kind, e.g. client.registered; other modules add their own kinds. */
  event: string;
  clientId?: string;
  actor: AuditActor;
  /** What changed (field names, flags). Secret-named fields are dropped defensively. */
  details?: Record<string, unknown>;
}

const SECRET = new Set(SECRET_FIELDS);

/**
 * Records audit events off the request path: the record is built now (time, request id, client
 * address from the request context) and written by a worker-pool job, retried because the insert
 * is idempotent. If the pool refuses it (full or shutting down), the record goes to the log at warn
 * level instead, so it is never silently lost.
 */
@Injectable()
export class AuditService {
  private readonly logger = new Logger(AuditService.name);

  constructor(
    private readonly repository: AuditRepository,
    private readonly pool: WorkerPoolService,
    private readonly metrics: MetricsService,
  ) {}

  /** Call after the change is committed. Returns the record as it will be stored. */
  record(input: AuditRecord): AuditEvent {
    const event = this.prepare(input);
    this.committed(event);
    const accepted = this.pool.runInBackground({
      name: 'audit.record',
      idempotent: true,
      retries: 3,
      run: () => this.repository.insert(event),
    });
    if (!accepted) this.logger.warn({ audit: event }, 'audit record not queued; logged here instead');
    return event;
  }

  /**
   * Builds the record (time, request id, client address) for a caller that stores it in the same
   * statement or transaction as the change it records, so the change cannot be acknowledged while
   * its audit record is lost. Call committed() once that transaction has committed.
   */
  prepare(input: AuditRecord): AuditEvent {
    const context = currentRequestContext();
    return {
      id: randomUUID(),
      occurredAt: new Date(),
      event: input.event,
      clientId: input.clientId ?? null,
      actor: input.actor,
      sourceAddress: context?.ip ?? null,
      requestId: context?.reqId ?? null,
      details: withoutSecrets(input.details ?? {}),
    };
  }

  /** The bookkeeping of a stored record: the request's log line and the event counter. */
  committed(event: AuditEvent): void {
    const context = currentRequestContext();
    // The request's log line names the client it changed (a registration learns its id only here).
    if (event.clientId && context && !context.clientId) setRequestClientId(event.clientId);
    if (event.event.startsWith('client.')) this.metrics.clientRegistrationEvents.inc({ event: event.event.slice('client.'.length) });
  }
}

function withoutSecrets(details: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(details).filter(([key]) => !SECRET.has(key)));
}
