import { Column, Entity, PrimaryColumn } from 'typeorm';

/** A registration access token (RFC 7592 §1.3). Only its keyed hash is stored, never the token. */
@Entity({ name: 'registration_tokens' })
export class RegistrationToken {
  /** The keyed hash is also the key: a token is only ever looked up by it. */
  @PrimaryColumn({ name: 'token_hash', type: 'text' })
  tokenHash: string;

  @Column({ name: 'client_id', type: 'text' })
  clientId: string;

  @Column({ name: 'expires_at', type: 'timestamptz' })
  expiresAt: Date;

  @Column({ name: 'revoked_at', type: 'timestamptz', nullable: true })
  revokedAt: Date | null;

  @Column({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;
}
