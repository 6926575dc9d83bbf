import { Column, Entity, PrimaryColumn } from 'typeorm';

/** An authorization code (RFC 6749 §4.1.2); only its HMAC is stored, never the code. */
@Entity({ name: 'authorization_codes' })
export class AuthorizationCode {
  @PrimaryColumn({ name: 'code_hash', type: 'text' })
  codeHash: string;

  /** Every token issued from this code shares this id, so a replayed code revokes them all. */
  @Column({ name: 'family_id', type: 'uuid' })
  familyId: string;

  @Column({ name: 'client_id', type: 'text' })
  clientId: string;

  @Column({ name: 'user_id', type: 'uuid' })
  userId: string;

  @Column({ name: 'grant_id', type: 'uuid' })
  grantId: string;

  /** The redirect_uri sent in the request; null when it was omitted (RFC 6749 §4.1.3). */
  @Column({ name: 'redirect_uri', type: 'text', nullable: true })
  redirectUri: string | null;

  @Column({ name: 'scope', type: 'text' })
  scope: string;

  /** RFC 8707 §2.1: the resource indicators of the authorization request (granted with it). */
  @Column({ name: 'resources', type: 'jsonb' })
  resources: string[];

  /** RFC 7636 §4.4: the S256 challenge the code is bound to. */
  @Column({ name: 'code_challenge', type: 'text', nullable: true })
  codeChallenge: string | null;

  @Column({ name: 'nonce', type: 'text', nullable: true })
  nonce: string | null;

  @Column({ name: 'auth_time', type: 'timestamptz' })
  authTime: Date;

  @Column({ name: 'expires_at', type: 'timestamptz' })
  expiresAt: Date;

  @Column({ name: 'used_at', type: 'timestamptz', nullable: true })
  usedAt: Date | null;
}
