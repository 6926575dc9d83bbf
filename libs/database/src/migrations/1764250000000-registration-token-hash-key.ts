import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Found with the registration benchmark (bench/): a registration access token is found by its hash and nothing else, so the
 * hash is its key. The surrogate uuid primary key cost every registration one more random index
 * insert (~10 % of PostgreSQL's throughput on the registration statement in a pgbench A/B).
 *
 * The id column itself stays for now, nullable and unindexed, so that instances of the previous
 * release (which still write and read it) keep working during a rolling upgrade (operations.md
 * §12); a later release drops it.
 */
export class RegistrationTokenHashKey1764250000000 implements MigrationInterface {
  name = 'RegistrationTokenHashKey1764250000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE registration_tokens DROP CONSTRAINT registration_tokens_pkey`);
    await queryRunner.query(`ALTER TABLE registration_tokens ALTER COLUMN id DROP NOT NULL`);
    await queryRunner.query(`ALTER TABLE registration_tokens DROP CONSTRAINT registration_tokens_token_hash_key`);
    await queryRunner.query(`ALTER TABLE registration_tokens ADD CONSTRAINT registration_tokens_pkey PRIMARY KEY (token_hash)`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE registration_tokens DROP CONSTRAINT registration_tokens_pkey`);
    await queryRunner.query(`ALTER TABLE registration_tokens ADD CONSTRAINT registration_tokens_token_hash_key UNIQUE (token_hash)`);
    await queryRunner.query(`UPDATE registration_tokens SET id = gen_random_uuid() WHERE id IS NULL`);
    await queryRunner.query(`ALTER TABLE registration_tokens ALTER COLUMN id SET NOT NULL`);
    await queryRunner.query(`ALTER TABLE registration_tokens ADD CONSTRAINT registration_tokens_pkey PRIMARY KEY (id)`);
  }
}
