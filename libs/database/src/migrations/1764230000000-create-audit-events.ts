import { MigrationInterface, QueryRunner } from 'typeorm';

/** docs/operations.md §6: the audit trail of client registration changes (who, what, when, from where; no secrets). */
export class CreateAuditEvents1764230000000 implements MigrationInterface {
  name = 'CreateAuditEvents1764230000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE audit_events (
        id              uuid PRIMARY KEY,
        occurred_at     timestamptz NOT NULL,
        event           text NOT NULL,
        client_id       text NULL,
        actor           text NOT NULL,
        source_address  text NULL,
        request_id      text NULL,
        details         jsonb NOT NULL DEFAULT '{}'
      )`);
    // No foreign key to clients: the trail outlives a deleted client.
    await queryRunner.query(`CREATE INDEX audit_events_client_id_idx ON audit_events (client_id, occurred_at DESC)`);
    await queryRunner.query(`CREATE INDEX audit_events_occurred_at_idx ON audit_events (occurred_at DESC)`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE audit_events`);
  }
}
