import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Issue 2 (benchmark): a registration access token is found by its hash and nothing else, so the
 * hash is its key. The surrogate uuid id cost every registration one more random index insert
 * (~10 % of PostgreSQL's throughput on the registration statement in a pgbench A/B).
 */
export class RegistrationTokenHashKey1764250000000 implements MigrationInterface {
  name = 'RegistrationTokenHashKey1764250000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE registration_tokens DROP CONSTRAINT registration_tokens_pkey`);
    await queryRunner.query(`ALTER TABLE registration_tokens DROP COLUMN id`);
    await queryRunner.query(`ALTER TABLE registration_tokens DROP CONSTRAINT registration_tokens_token_hash_key`);
    await queryRunner.query(`ALTER TABLE registration_tokens ADD CONSTRAINT registration_tokens_pkey PRIMARY KEY (token_hash)`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE registration_tokens DROP CONSTRAINT registration_tokens_pkey`);
    await queryRunner.query(`ALTER TABLE registration_tokens ADD CONSTRAINT registration_tokens_token_hash_key UNIQUE (token_hash)`);
    await queryRunner.query(`ALTER TABLE registration_tokens ADD COLUMN id uuid NOT NULL DEFAULT gen_random_uuid()`);
    await queryRunner.query(`ALTER TABLE registration_tokens ALTER COLUMN id DROP DEFAULT`);
    await queryRunner.query(`ALTER TABLE registration_tokens ADD CONSTRAINT registration_tokens_pkey PRIMARY KEY (id)`);
  }
}
