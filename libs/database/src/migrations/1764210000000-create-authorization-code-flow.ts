import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The authorization-code flow (docs/authorization-code-flow.md): users, sessions and the login throttle (LoginModule); consent grants (ConsentModule);
 * authorization codes, refresh and access token records, signing keys (AuthorizationModule).
 * Every client_id column cascades from clients, so an RFC 7592 delete takes the client's codes,
 * tokens and grants with it; every token cascades from its consent grant, so revoking an app on the
 * account page kills its tokens. Secrets (session ids, codes, refresh tokens) are stored as HMACs.
 */
export class CreateAuthorizationCodeFlow1764210000000 implements MigrationInterface {
  name = 'CreateAuthorizationCodeFlow1764210000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE users (
        id             uuid PRIMARY KEY,
        username       text NOT NULL,
        email          text NULL,
        name           text NULL,
        password_hash  text NOT NULL,
        created_at     timestamptz NOT NULL DEFAULT now()
      )`);
    await queryRunner.query(`CREATE UNIQUE INDEX users_username_key ON users (lower(username))`);
    await queryRunner.query(`
      CREATE TABLE sessions (
        id_hash        text PRIMARY KEY,
        user_id        uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
        auth_time      timestamptz NOT NULL,
        created_at     timestamptz NOT NULL DEFAULT now(),
        last_seen_at   timestamptz NOT NULL DEFAULT now(),
        expires_at     timestamptz NOT NULL
      )`);
    await queryRunner.query(`CREATE INDEX sessions_user_id_idx ON sessions (user_id)`);
    await queryRunner.query(`
      CREATE TABLE login_throttle (
        key_hash       text PRIMARY KEY,
        failures       integer NOT NULL,
        window_ends_at timestamptz NOT NULL
      )`);
    await queryRunner.query(`
      CREATE TABLE consent_grants (
        id             uuid PRIMARY KEY,
        user_id        uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
        client_id      text NOT NULL REFERENCES clients (client_id) ON DELETE CASCADE,
        scope          text NOT NULL,
        created_at     timestamptz NOT NULL DEFAULT now(),
        updated_at     timestamptz NOT NULL DEFAULT now(),
        UNIQUE (user_id, client_id)
      )`);
    await queryRunner.query(`CREATE INDEX consent_grants_client_id_idx ON consent_grants (client_id)`);
    await queryRunner.query(`
      CREATE TABLE authorization_codes (
        code_hash      text PRIMARY KEY,
        family_id      uuid NOT NULL,
        client_id      text NOT NULL REFERENCES clients (client_id) ON DELETE CASCADE,
        user_id        uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
        grant_id       uuid NOT NULL REFERENCES consent_grants (id) ON DELETE CASCADE,
        redirect_uri   text NULL,
        scope          text NOT NULL,
        code_challenge text NULL,
        nonce          text NULL,
        auth_time      timestamptz NOT NULL,
        expires_at     timestamptz NOT NULL,
        used_at        timestamptz NULL
      )`);
    await queryRunner.query(`CREATE INDEX authorization_codes_client_id_idx ON authorization_codes (client_id)`);
    await queryRunner.query(`CREATE INDEX authorization_codes_grant_id_idx ON authorization_codes (grant_id)`);
    await queryRunner.query(`
      CREATE TABLE refresh_tokens (
        token_hash     text PRIMARY KEY,
        family_id      uuid NOT NULL,
        client_id      text NOT NULL REFERENCES clients (client_id) ON DELETE CASCADE,
        user_id        uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
        grant_id       uuid NOT NULL REFERENCES consent_grants (id) ON DELETE CASCADE,
        scope          text NOT NULL,
        auth_time      timestamptz NOT NULL,
        created_at     timestamptz NOT NULL DEFAULT now(),
        expires_at     timestamptz NOT NULL,
        used_at        timestamptz NULL,
        revoked_at     timestamptz NULL
      )`);
    await queryRunner.query(`CREATE INDEX refresh_tokens_family_id_idx ON refresh_tokens (family_id)`);
    await queryRunner.query(`CREATE INDEX refresh_tokens_client_id_idx ON refresh_tokens (client_id)`);
    await queryRunner.query(`CREATE INDEX refresh_tokens_grant_id_idx ON refresh_tokens (grant_id)`);
    // Access tokens are self-contained JWTs (RFC 9068); this record makes revocation and
    // introspection (RFC 7009, RFC 7662) work. grant_id and user_id are null for client_credentials.
    await queryRunner.query(`
      CREATE TABLE access_tokens (
        jti            uuid PRIMARY KEY,
        family_id      uuid NULL,
        client_id      text NOT NULL REFERENCES clients (client_id) ON DELETE CASCADE,
        user_id        uuid NULL REFERENCES users (id) ON DELETE CASCADE,
        grant_id       uuid NULL REFERENCES consent_grants (id) ON DELETE CASCADE,
        scope          text NOT NULL,
        expires_at     timestamptz NOT NULL,
        revoked_at     timestamptz NULL
      )`);
    await queryRunner.query(`CREATE INDEX access_tokens_family_id_idx ON access_tokens (family_id)`);
    await queryRunner.query(`CREATE INDEX access_tokens_client_id_idx ON access_tokens (client_id)`);
    await queryRunner.query(`CREATE INDEX access_tokens_grant_id_idx ON access_tokens (grant_id)`);
    await queryRunner.query(`
      CREATE TABLE signing_keys (
        kid            text PRIMARY KEY,
        alg            text NOT NULL,
        public_jwk     jsonb NOT NULL,
        private_jwk    text NOT NULL,
        encrypted      boolean NOT NULL,
        created_at     timestamptz NOT NULL DEFAULT now(),
        retire_at      timestamptz NOT NULL,
        publish_until  timestamptz NOT NULL
      )`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    for (const table of [
      'signing_keys',
      'access_tokens',
      'refresh_tokens',
      'authorization_codes',
      'consent_grants',
      'login_throttle',
      'sessions',
      'users',
    ]) {
      await queryRunner.query(`DROP TABLE ${table}`);
    }
  }
}
