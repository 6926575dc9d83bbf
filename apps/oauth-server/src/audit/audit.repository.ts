import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import type { QueryDeepPartialEntity } from 'typeorm/query-builder/QueryPartialEntity';
import { AuditEvent } from './audit-event.entity';

export interface AuditFilter {
  clientId?: string;
  event?: string;
  since?: Date;
  until?: Date;
  /** Newest first; default 100, at most 1000. */
  limit?: number;
}

/** The only file that touches audit_events. */
@Injectable()
export class AuditRepository {
  constructor(@InjectRepository(AuditEvent) private readonly events: Repository<AuditEvent>) {}

  /** Idempotent: a retried write of the same event (same id) stores it once. */
  async insert(event: AuditEvent): Promise<void> {
    await this.events.createQueryBuilder().insert().into(AuditEvent).values(event as unknown as QueryDeepPartialEntity<AuditEvent>).orIgnore().execute();
  }

  /**
   * The idempotent INSERT of insert() as SQL with numbered parameters starting at $first, for a
   * repository that stores the record in the same statement or transaction as the change it
   * records. With `from` (a CTE name), one record is stored per row of it: none when it is empty.
   */
  static insertStatement(event: AuditEvent, first = 1, from?: string): { sql: string; params: unknown[] } {
    return { sql: AuditRepository.insertSql(first, from), params: AuditRepository.insertParams(event) };
  }

  /** The SQL half of insertStatement(), for a caller that builds its statement once. */
  static insertSql(first = 1, from?: string): string {
    const types = ['uuid', 'timestamptz', 'text', 'text', 'text', 'text', 'text', 'jsonb'];
    const values = types.map((type, i) => `$${first + i}::${type}`).join(', ');
    return `INSERT INTO audit_events (id, occurred_at, event, client_id, actor, source_address, request_id, details)
            SELECT ${values}${from ? ` FROM ${from}` : ''} ON CONFLICT (id) DO NOTHING`;
  }

  /** The parameters of insertSql(), in its order. */
  static insertParams(event: AuditEvent): unknown[] {
    return [
      event.id,
      event.occurredAt.toISOString(),
      event.event,
      event.clientId,
      event.actor,
      event.sourceAddress,
      event.requestId,
      JSON.stringify(event.details),
    ];
  }

  list(filter: AuditFilter = {}): Promise<AuditEvent[]> {
    const query = this.events.createQueryBuilder('e').orderBy('e.occurred_at', 'DESC').addOrderBy('e.id', 'DESC');
    if (filter.clientId !== undefined) query.andWhere('e.client_id = :clientId', { clientId: filter.clientId });
    if (filter.event !== undefined) query.andWhere('e.event = :event', { event: filter.event });
    if (filter.since) query.andWhere('e.occurred_at >= :since', { since: filter.since });
    if (filter.until) query.andWhere('e.occurred_at < :until', { until: filter.until });
    return query.take(Math.min(Math.max(filter.limit ?? 100, 1), 1000)).getMany();
  }
}
