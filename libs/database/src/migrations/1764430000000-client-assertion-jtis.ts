import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * RFC 7523 §3 item 7: a client assertion's jti is single use. Each accepted (client_id, jti) is kept
 * until the assertion expires (the sweeper deletes it then); a second insert of the pair is a replay.
 */
export class ClientAssertionJtis1764430000000 implements MigrationInterface {
  name = 'ClientAssertionJtis1764430000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE client_assertion_jtis (
        client_id text NOT NULL REFERENCES clients (client_id) ON DELETE CASCADE,
        jti text NOT NULL,
        expires_at timestamptz NOT NULL,
        PRIMARY KEY (client_id, jti)
      )`);
    await queryRunner.query(`CREATE INDEX client_assertion_jtis_expires_at ON client_assertion_jtis (expires_at)`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE client_assertion_jtis`);
  }
}
