import { APP_CONFIG, AppConfig } from '@app/config';
import { constantTimeEqual, keyedHash, randomToken } from '@app/crypto';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { createSecretKey, KeyObject } from 'node:crypto';
import { DataSource } from 'typeorm';

const KEY_NAME = 'token_hash_key';

/**
 * Hashes high-entropy secrets (client secrets, registration access tokens) with HMAC-SHA-256 under
 * a server-side key. bcrypt is for human passwords; a 256-bit random secret needs no stretching.
 * The key is TOKEN_HASH_KEY, or else one generated once and kept in the database so that every
 * instance on that database agrees.
 */
@Injectable()
export class SecretHasher {
  private readonly logger = new Logger(SecretHasher.name);
  private key: Promise<KeyObject> | undefined;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly dataSource: DataSource,
  ) {}

  async hash(secret: string): Promise<string> {
    return keyedHash(await this.hashKey(), secret);
  }

  async matches(secret: string, storedHash: string): Promise<boolean> {
    return constantTimeEqual(await this.hash(secret), storedHash);
  }

  private hashKey(): Promise<KeyObject> {
    this.key ??= this.loadKey().then((key) => createSecretKey(Buffer.from(key, 'utf8')), (error: unknown) => {
      this.key = undefined; // a database hiccup must not poison every later request
      throw error;
    });
    return this.key;
  }

  private async loadKey(): Promise<string> {
    if (this.config.tokenHashKey) return this.config.tokenHashKey;
    this.logger.warn('TOKEN_HASH_KEY is not set; using the key stored in the database');
    await this.dataSource.query(
      `INSERT INTO server_secrets (name, value) VALUES ($1, $2) ON CONFLICT (name) DO NOTHING`,
      [KEY_NAME, randomToken(32)],
    );
    const rows: { value: string }[] = await this.dataSource.query(`SELECT value FROM server_secrets WHERE name = $1`, [
      KEY_NAME,
    ]);
    return rows[0].value;
  }
}
