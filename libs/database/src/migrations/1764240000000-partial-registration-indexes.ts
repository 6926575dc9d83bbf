import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Found with the registration benchmark (bench/): most registrations carry neither a software_id nor an initial access token,
 * yet every one added a NULL entry to both indexes. Partial indexes skip those rows; the quota
 * count (`metadata->>'software_id' = $1`) and the foreign key's ON DELETE SET NULL
 * (`initial_access_token_id = $1`) compare with a strict operator, which implies IS NOT NULL, so
 * they use the partial indexes as before.
 */
export class PartialRegistrationIndexes1764240000000 implements MigrationInterface {
  name = 'PartialRegistrationIndexes1764240000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX clients_software_id_issued_at_idx`);
    await queryRunner.query(
      `CREATE INDEX clients_software_id_issued_at_idx ON clients ((metadata->>'software_id'), issued_at)
        WHERE (metadata->>'software_id') IS NOT NULL`,
    );
    await queryRunner.query(`DROP INDEX clients_initial_access_token_id_idx`);
    await queryRunner.query(
      `CREATE INDEX clients_initial_access_token_id_idx ON clients (initial_access_token_id) WHERE initial_access_token_id IS NOT NULL`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX clients_initial_access_token_id_idx`);
    await queryRunner.query(`CREATE INDEX clients_initial_access_token_id_idx ON clients (initial_access_token_id)`);
    await queryRunner.query(`DROP INDEX clients_software_id_issued_at_idx`);
    await queryRunner.query(`CREATE INDEX clients_software_id_issued_at_idx ON clients ((metadata->>'software_id'), issued_at)`);
  }
}
