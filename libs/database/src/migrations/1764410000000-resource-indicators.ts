import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * RFC 8707 resource indicators: the resources granted at /authorize travel with the code and with
 * every refresh token of its family (RFC 8707 §2.2: the token endpoint accepts them or a subset), and
 * consent is remembered per client and resource (`resource_scopes`: resource URI → granted scopes).
 */
export class ResourceIndicators1764410000000 implements MigrationInterface {
  name = 'ResourceIndicators1764410000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE authorization_codes ADD COLUMN resources jsonb NOT NULL DEFAULT '[]'`);
    await queryRunner.query(`ALTER TABLE refresh_tokens ADD COLUMN resources jsonb NOT NULL DEFAULT '[]'`);
    await queryRunner.query(`ALTER TABLE consent_grants ADD COLUMN resource_scopes jsonb NOT NULL DEFAULT '{}'`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE consent_grants DROP COLUMN resource_scopes`);
    await queryRunner.query(`ALTER TABLE refresh_tokens DROP COLUMN resources`);
    await queryRunner.query(`ALTER TABLE authorization_codes DROP COLUMN resources`);
  }
}
