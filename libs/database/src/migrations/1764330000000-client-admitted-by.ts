import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * RFC 9700 §4.11.2: how a client was admitted — anonymously (open registration), with an initial
 * access token, or with a verified software statement. A registration policy marked `trusted`
 * vouches only for clients admitted by a token or a statement (docs/registration-policies.md), so
 * an anonymous client never becomes trusted because its policy's name is later reused.
 *
 * Existing rows: a verified statement or a (still known) token, or the token recorded in the
 * registration's audit event; every other row stays `anonymous`, the safe default, which is also
 * what an instance of the previous release writes during a rolling upgrade.
 */
export class ClientAdmittedBy1764330000000 implements MigrationInterface {
  name = 'ClientAdmittedBy1764330000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      ALTER TABLE clients ADD COLUMN admitted_by text NOT NULL DEFAULT 'anonymous'
        CONSTRAINT clients_admitted_by_check CHECK (admitted_by IN ('anonymous', 'initial_access_token', 'software_statement'))`);
    await queryRunner.query(`UPDATE clients SET admitted_by = 'software_statement' WHERE software_statement_claims IS NOT NULL`);
    await queryRunner.query(`
      UPDATE clients SET admitted_by = 'initial_access_token'
       WHERE admitted_by = 'anonymous'
         AND (initial_access_token_id IS NOT NULL
              OR EXISTS (SELECT 1 FROM audit_events a
                          WHERE a.client_id = clients.client_id AND a.event = 'client.registered' AND a.actor = 'initial_access_token'))`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE clients DROP COLUMN admitted_by`);
  }
}
