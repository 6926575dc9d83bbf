import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Registration policies (docs/registration-policies.md): initial access tokens (RFC 7591 §3), the policy that admitted each client, where it came
 * from (quotas), when it was last used (the sweeper) and the previous secret during a rotation grace.
 */
export class RegistrationPolicies1764220000000 implements MigrationInterface {
  name = 'RegistrationPolicies1764220000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE initial_access_tokens (
        id                 uuid PRIMARY KEY,
        token_hash         text NOT NULL UNIQUE,
        label              text NOT NULL,
        policy             text NOT NULL,
        max_registrations  integer NULL CHECK (max_registrations > 0),
        remaining          integer NULL CHECK (remaining >= 0),
        expires_at         timestamptz NOT NULL,
        revoked_at         timestamptz NULL,
        created_at         timestamptz NOT NULL DEFAULT now()
      )`);
    await queryRunner.query(`ALTER TABLE clients
      ADD COLUMN registration_policy        text NOT NULL DEFAULT 'default',
      ADD COLUMN initial_access_token_id    uuid NULL REFERENCES initial_access_tokens (id) ON DELETE SET NULL,
      ADD COLUMN registered_from            text NULL,
      ADD COLUMN software_statement_claims  jsonb NULL,
      ADD COLUMN last_used_at               timestamptz NULL,
      ADD COLUMN previous_secret_hash       text NULL,
      ADD COLUMN previous_secret_expires_at timestamptz NULL`);
    // The daily quotas count recent registrations per software_id and per source address.
    await queryRunner.query(`CREATE INDEX clients_software_id_issued_at_idx ON clients ((metadata->>'software_id'), issued_at)`);
    await queryRunner.query(`CREATE INDEX clients_registered_from_issued_at_idx ON clients (registered_from, issued_at)`);
    await queryRunner.query(`CREATE INDEX clients_initial_access_token_id_idx ON clients (initial_access_token_id)`);
    // The sweeper looks for registrations that were never used.
    await queryRunner.query(`CREATE INDEX clients_never_used_idx ON clients (issued_at) WHERE last_used_at IS NULL`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX clients_never_used_idx`);
    await queryRunner.query(`DROP INDEX clients_initial_access_token_id_idx`);
    await queryRunner.query(`DROP INDEX clients_registered_from_issued_at_idx`);
    await queryRunner.query(`DROP INDEX clients_software_id_issued_at_idx`);
    await queryRunner.query(`ALTER TABLE clients
      DROP COLUMN previous_secret_expires_at,
      DROP COLUMN previous_secret_hash,
      DROP COLUMN last_used_at,
      DROP COLUMN software_statement_claims,
      DROP COLUMN registered_from,
      DROP COLUMN initial_access_token_id,
      DROP COLUMN registration_policy`);
    await queryRunner.query(`DROP TABLE initial_access_tokens`);
  }
}
