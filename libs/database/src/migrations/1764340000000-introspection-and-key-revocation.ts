import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * RFC 7662 §2.1 / §4: `clients.introspection_allowed` marks the resource servers an operator allows
 * to introspect tokens issued to other clients (`clients:allow-introspection`); every other client
 * introspects only its own tokens.
 *
 * Signing keys: `signing_keys.revoked_at` withdraws a compromised key (`keys:revoke`), and the one
 * row of `signing_key_set` carries a version that every change of the key set bumps, so that each
 * instance notices a rotation or a revocation with one primary-key read instead of waiting for its
 * key cache to expire (docs/operations.md, "Signing keys").
 */
export class IntrospectionAndKeyRevocation1764340000000 implements MigrationInterface {
  name = 'IntrospectionAndKeyRevocation1764340000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE clients ADD COLUMN introspection_allowed boolean NOT NULL DEFAULT false`);
    await queryRunner.query(`ALTER TABLE signing_keys ADD COLUMN revoked_at timestamptz`);
    await queryRunner.query(`
      CREATE TABLE signing_key_set (
        id       smallint PRIMARY KEY DEFAULT 1 CHECK (id = 1),
        version  bigint NOT NULL
      )`);
    await queryRunner.query(`INSERT INTO signing_key_set (id, version) VALUES (1, 1)`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE signing_key_set`);
    await queryRunner.query(`ALTER TABLE signing_keys DROP COLUMN revoked_at`);
    await queryRunner.query(`ALTER TABLE clients DROP COLUMN introspection_allowed`);
  }
}
