import { Column, Entity, PrimaryColumn } from 'typeorm';

/** An opaque refresh token (RFC 6749 §6); only its HMAC is stored. Rotated on every use. */
@Entity({ name: 'refresh_tokens' })
export class RefreshToken {
  @PrimaryColumn({ name: 'token_hash', type: 'text' })
  tokenHash: string;

  /** The rotation family: reuse of a rotated token revokes all of it (RFC 9700 §4.14.2). */
  @Column({ name: 'family_id', type: 'uuid' })
  familyId: string;

  @Column({ name: 'client_id', type: 'text' })
  clientId: string;

  @Column({ name: 'user_id', type: 'uuid' })
  userId: string;

  @Column({ name: 'grant_id', type: 'uuid' })
  grantId: string;

  @Column({ name: 'scope', type: 'text' })
  scope: string;

  /** RFC 8707 §2.2: the resources of the original grant; a refresh may ask for a subset, never more. */
  @Column({ name: 'resources', type: 'jsonb' })
  resources: string[];

  @Column({ name: 'auth_time', type: 'timestamptz' })
  authTime: Date;

  @Column({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @Column({ name: 'expires_at', type: 'timestamptz' })
  expiresAt: Date;

  /** Set when the token was exchanged for a new one; a second use is a replay. */
  @Column({ name: 'used_at', type: 'timestamptz', nullable: true })
  usedAt: Date | null;

  @Column({ name: 'revoked_at', type: 'timestamptz', nullable: true })
  revokedAt: Date | null;
}
