import { APP_CONFIG, AppConfig } from '@app/config';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { calculateJwkThumbprint, exportJWK, generateKeyPair, importJWK, JWK, SignJWT } from 'jose';
import { decryptSecret, encryptSecret } from './key-encryption';
import { SigningKey } from './signing-key.entity';
import { SigningKeysRepository } from './signing-keys.repository';

/** RS256: the OIDC default for ID tokens (Core §3.1.3.7) that every relying party accepts. */
export const SIGNING_ALG = 'RS256';
const CACHE_MS = 30_000;

/** A key jose can sign with (a WebCrypto CryptoKey). */
export type PrivateSigningKey = Parameters<SignJWT['sign']>[0];

export interface ActiveKey {
  kid: string;
  privateKey: PrivateSigningKey;
}

type PublicJwk = JWK & { kid: string; alg: string; use: 'sig' };

/**
 * Token signing keys kept in the database, so every instance signs with and publishes the same
 * keys. The newest key signs until its rotation time; retired keys stay at the JWKS endpoint until
 * the last token they signed has expired. Private keys are never logged.
 */
@Injectable()
export class SigningKeysService {
  private readonly logger = new Logger(SigningKeysService.name);
  private cache: { loadedAt: number; active: ActiveKey | undefined; published: PublicJwk[] } | undefined;
  private pending: Promise<void> | undefined;

  constructor(
    private readonly keys: SigningKeysRepository,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** The key to sign with now; creates the first key, or the next one when the current retired. */
  async active(): Promise<ActiveKey> {
    await this.refresh();
    if (!this.cache?.active) {
      await this.serialized(async () => {
        await this.load();
        if (!this.cache?.active) await this.create();
      });
    }
    return this.cache!.active!;
  }

  /** RFC 7517 §5: the JWK Set of every published public key. */
  async jwks(): Promise<{ keys: PublicJwk[] }> {
    await this.active();
    return { keys: this.cache!.published };
  }

  /**
   * The JWK Set for verifying a token signed with `kid`: reloaded when the kid is unknown, since
   * another instance may have created a key within this instance's cache period.
   */
  async verificationKeys(kid: string | undefined): Promise<{ keys: PublicJwk[] }> {
    const set = await this.jwks();
    if (kid === undefined || set.keys.some((key) => key.kid === kid)) return set;
    await this.serialized(() => this.load());
    return { keys: this.cache!.published };
  }

  /** Operator rotation: the current key stops signing now; a new key takes over. */
  async rotate(): Promise<string> {
    await this.keys.retireAll(new Date());
    this.cache = undefined;
    return (await this.active()).kid;
  }

  private async refresh(): Promise<void> {
    const now = Date.now();
    const stale = !this.cache || now - this.cache.loadedAt > CACHE_MS;
    const retired = this.cache?.active === undefined;
    if (stale || retired) await this.serialized(() => this.load());
  }

  private async serialized(work: () => Promise<void>): Promise<void> {
    while (this.pending) await this.pending;
    this.pending = work().finally(() => (this.pending = undefined));
    await this.pending;
  }

  private async load(): Promise<void> {
    const now = new Date();
    const rows = await this.keys.published(now);
    const signing = rows.find((row) => row.retireAt > now);
    this.cache = {
      loadedAt: Date.now(),
      active: signing ? { kid: signing.kid, privateKey: await this.privateKey(signing) } : undefined,
      published: rows.map((row) => row.publicJwk as PublicJwk),
    };
  }

  private async create(): Promise<void> {
    const { publicKey, privateKey } = await generateKeyPair(SIGNING_ALG, { modulusLength: 2048, extractable: true });
    const publicJwk = await exportJWK(publicKey);
    // RFC 7638: the thumbprint makes a stable, unique kid
    const kid = await calculateJwkThumbprint(publicJwk);
    const privateJwk = JSON.stringify(await exportJWK(privateKey));
    const encryptionKey = this.config.authorization.keyEncryptionKey;
    const now = new Date();
    const rotation = this.config.authorization.signingKeyRotationSeconds * 1000;
    // A retired key must verify the longest-lived token it signed; a minute of slack for clock skew.
    const longestToken = Math.max(this.config.authorization.accessTokenTtlSeconds, this.config.authorization.idTokenTtlSeconds) * 1000;
    const key: SigningKey = {
      kid,
      alg: SIGNING_ALG,
      publicJwk: { ...publicJwk, kid, alg: SIGNING_ALG, use: 'sig' },
      privateJwk: encryptionKey ? encryptSecret(privateJwk, encryptionKey) : privateJwk,
      encrypted: encryptionKey !== undefined,
      createdAt: now,
      retireAt: new Date(now.getTime() + rotation),
      publishUntil: new Date(now.getTime() + rotation + longestToken + 60_000),
    };
    await this.keys.insert(key);
    if (!encryptionKey) this.logger.warn('OAUTH_KEY_ENCRYPTION_KEY is not set; the new signing key is stored unencrypted');
    this.logger.log({ kid }, 'signing key created');
    await this.load();
  }

  private async privateKey(row: SigningKey): Promise<PrivateSigningKey> {
    const encryptionKey = this.config.authorization.keyEncryptionKey;
    if (row.encrypted && !encryptionKey) throw new Error(`signing key ${row.kid} is encrypted but OAUTH_KEY_ENCRYPTION_KEY is not set`);
    const json = row.encrypted ? decryptSecret(row.privateJwk, encryptionKey!) : row.privateJwk;
    return (await importJWK(JSON.parse(json) as JWK, row.alg)) as PrivateSigningKey;
  }
}
