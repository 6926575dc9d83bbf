import { Column, Entity, PrimaryColumn } from 'typeorm';

/** A token signing key pair. The private JWK is AES-256-GCM encrypted when OAUTH_KEY_ENCRYPTION_KEY is set. */
@Entity({ name: 'signing_keys' })
export class SigningKey {
  @PrimaryColumn({ name: 'kid', type: 'text' })
  kid: string;

  @Column({ name: 'alg', type: 'text' })
  alg: string;

  @Column({ name: 'public_jwk', type: 'jsonb' })
  publicJwk: Record<string, unknown>;

  @Column({ name: 'private_jwk', type: 'text' })
  privateJwk: string;

  @Column({ name: 'encrypted', type: 'boolean' })
  encrypted: boolean;

  @Column({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  /** After this the key signs nothing new. */
  @Column({ name: 'retire_at', type: 'timestamptz' })
  retireAt: Date;

  /** Published at the JWKS endpoint until every token it signed has expired. */
  @Column({ name: 'publish_until', type: 'timestamptz' })
  publishUntil: Date;

  /** Withdrawn by the operator (`keys:revoke`): unpublished at once, its tokens refused. */
  @Column({ name: 'revoked_at', type: 'timestamptz', nullable: true })
  revokedAt: Date | null;
}
