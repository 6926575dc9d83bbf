import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Operators can disable an end-user (`npm run cli -- users:disable`): a disabled user cannot sign
 * in and gets no new tokens (docs/operations.md, "Users"). Null means active.
 */
export class UserDisabledAt1764370000000 implements MigrationInterface {
  name = 'UserDisabledAt1764370000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE users ADD COLUMN disabled_at timestamptz NULL`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE users DROP COLUMN disabled_at`);
  }
}
