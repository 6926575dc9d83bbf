import { MigrationInterface, QueryRunner } from 'typeorm';

export class CreateClients1764200000000 implements MigrationInterface {
  name = 'CreateClients1764200000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE clients (
        client_id          text PRIMARY KEY,
        secret_hash        text NULL,
        secret_expires_at  timestamptz NULL,
        metadata           jsonb NOT NULL,
        self_service       text NOT NULL DEFAULT 'full' CHECK (self_service IN ('full', 'read-only', 'none')),
        issued_at          timestamptz NOT NULL DEFAULT now(),
        updated_at         timestamptz NOT NULL DEFAULT now()
      )`);
    // RFC 7592 §1.3: tokens die with their client (ON DELETE CASCADE is the revocation).
    await queryRunner.query(`
      CREATE TABLE registration_tokens (
        id           uuid PRIMARY KEY,
        client_id    text NOT NULL REFERENCES clients (client_id) ON DELETE CASCADE,
        token_hash   text NOT NULL UNIQUE,
        expires_at   timestamptz NOT NULL,
        revoked_at   timestamptz NULL,
        created_at   timestamptz NOT NULL DEFAULT now()
      )`);
    await queryRunner.query(`CREATE INDEX registration_tokens_client_id_idx ON registration_tokens (client_id)`);
    await queryRunner.query(`
      CREATE TABLE server_secrets (
        name        text PRIMARY KEY,
        value       text NOT NULL,
        created_at  timestamptz NOT NULL DEFAULT now()
      )`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE server_secrets`);
    await queryRunner.query(`DROP TABLE registration_tokens`);
    await queryRunner.query(`DROP TABLE clients`);
  }
}
