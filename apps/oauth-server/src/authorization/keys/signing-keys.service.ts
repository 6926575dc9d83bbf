import { APP_CONFIG, AppConfig } from '@app/config';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { calculateJwkThumbprint, exportJWK, generateKeyPair, importJWK, JWK, SignJWT } from 'jose';
import { decryptSecret, encryptSecret } from './key-encryption';
import { SigningKey } from './signing-key.entity';
import { SigningKeysRepository } from './signing-keys.repository';

/** RS256: the OIDC default for ID tokens (Core §3.1.3.7) that every relying party accepts. */
export const SIGNING_ALG = 'RS256';
/** Reload at least this often, for the changes that come with time alone (a key reaching retire_at). */
const CACHE_MS = 30_000;
/** RFC 7638 §3: our kids are base64url SHA-256 thumbprints; anything else cannot name one of our keys. */
const KID_FORMAT = /^[A-Za-z0-9_-]{43}$/;
/** Unknown kids remembered (until the key set changes, at most this long), and how many at most. */
const UNKNOWN_KID_TTL_MS = 60_000;
const UNKNOWN_KIDS_MAX = 1000;

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
 * the last token they signed has expired; a revoked key is gone at once. Private keys are never logged.
 *
 * Each instance caches the key set and reads the key-set version (one primary-key row) at most every
 * OAUTH_SIGNING_KEYS_CHECK_SECONDS: a rotation or revocation on any instance takes effect on every
 * other within that bound (docs/operations.md, "Signing keys").
 */
@Injectable()
export class SigningKeysService {
  private readonly logger = new Logger(SigningKeysService.name);
  private cache: { loadedAt: number; version: string; active: ActiveKey | undefined; published: PublicJwk[] } | undefined;
  private checkedAt = 0;
  private pending: Promise<void> | undefined;
  /** kid → until when it is known not to be ours (cleared whenever the key set is reloaded). */
  private readonly unknownKids = new Map<string, number>();

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
   * The JWK Set for verifying a token signed with `kid`. An unknown kid costs one read of the
   * key-set version (another instance may have just created the key), never a reload of the keys,
   * and is then remembered: a flood of tokens with made-up kids cannot make the server reload and
   * decrypt its keys on every request (test/integration/signing-key-revocation.int-spec.ts).
   */
  async verificationKeys(kid: string | undefined): Promise<{ keys: PublicJwk[] }> {
    const set = await this.jwks();
    if (kid === undefined || set.keys.some((key) => key.kid === kid)) return set;
    if (!KID_FORMAT.test(kid) || (this.unknownKids.get(kid) ?? 0) > Date.now()) return set;
    await this.serialized(() => this.checkVersion(0));
    const current = { keys: this.cache!.published };
    if (!current.keys.some((key) => key.kid === kid)) this.rememberUnknown(kid);
    return current;
  }

  /** Operator rotation: the current key stops signing now, on every instance within the check interval; a new key takes over. */
  async rotate(): Promise<string> {
    await this.keys.retireAll(new Date());
    this.cache = undefined;
    return (await this.active()).kid;
  }

  /**
   * Operator revocation of a compromised key: unpublished from the JWKS and no longer accepted for
   * verification, here at once and on every other instance within OAUTH_SIGNING_KEYS_CHECK_SECONDS.
   * If it was the signing key, a new one takes over. `revoked` is false when no unrevoked key has
   * this kid; `signingKid` is the key signing now.
   */
  async revoke(kid: string): Promise<{ revoked: boolean; signingKid: string }> {
    const revoked = await this.keys.revoke(kid, new Date());
    if (revoked) this.logger.warn({ kid }, 'signing key revoked by the operator');
    this.cache = undefined;
    return { revoked, signingKid: (await this.active()).kid };
  }

  /** Operator view (keys:list): every key and its state, never key material. */
  async list(): Promise<{ kid: string; status: 'signing' | 'published' | 'expired' | 'revoked'; created_at: string; retire_at: string; publish_until: string; revoked_at: string | null }[]> {
    const now = new Date();
    const signing = (await this.keys.published(now)).find((row) => row.retireAt > now)?.kid;
    return (await this.keys.all()).map((row) => ({
      kid: row.kid,
      status: row.revokedAt ? 'revoked' : row.kid === signing ? 'signing' : row.publishUntil > now ? 'published' : 'expired',
      created_at: row.createdAt.toISOString(),
      retire_at: row.retireAt.toISOString(),
      publish_until: row.publishUntil.toISOString(),
      revoked_at: row.revokedAt?.toISOString() ?? null,
    }));
  }

  private async refresh(): Promise<void> {
    const now = Date.now();
    const stale = !this.cache || now - this.cache.loadedAt > CACHE_MS;
    const retired = this.cache?.active === undefined;
    if (stale || retired) await this.serialized(() => this.load());
    else if (now - this.checkedAt >= this.checkIntervalMs()) await this.serialized(() => this.checkVersion(this.checkIntervalMs()));
  }

  /** Reloads when another instance changed the key set; skipped if a check ran within `interval` ms. */
  private async checkVersion(interval: number): Promise<void> {
    if (interval > 0 && Date.now() - this.checkedAt < interval) return;
    const version = await this.keys.version();
    this.checkedAt = Date.now();
    if (version !== this.cache?.version) await this.load();
  }

  private checkIntervalMs(): number {
    return this.config.authorization.signingKeysCheckSeconds * 1000;
  }

  private rememberUnknown(kid: string): void {
    // Bounded: the oldest entry goes first (a Map iterates in insertion order).
    if (this.unknownKids.size >= UNKNOWN_KIDS_MAX) this.unknownKids.delete(this.unknownKids.keys().next().value!);
    this.unknownKids.set(kid, Date.now() + UNKNOWN_KID_TTL_MS);
  }

  private async serialized(work: () => Promise<void>): Promise<void> {
    while (this.pending) await this.pending;
    this.pending = work().finally(() => (this.pending = undefined));
    await this.pending;
  }

  private async load(): Promise<void> {
    // The version first: a change made while the keys are read shows up at the next check.
    const version = await this.keys.version();
    const now = new Date();
    const rows = await this.keys.published(now);
    const signing = rows.find((row) => row.retireAt > now);
    this.checkedAt = Date.now();
    this.unknownKids.clear();
    this.cache = {
      loadedAt: Date.now(),
      version,
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
      revokedAt: null,
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
