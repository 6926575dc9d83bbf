import { Column, Entity, PrimaryColumn } from 'typeorm';

/** An operator-minted initial access token (RFC 7591 §3). Only its keyed hash is stored. */
@Entity({ name: 'initial_access_tokens' })
export class InitialAccessToken {
  @PrimaryColumn({ name: 'id', type: 'uuid' })
  id: string;

  @Column({ name: 'token_hash', type: 'text' })
  tokenHash: string;

  /** Who the token was minted for, e.g. the partner's name; shown by iat:list. */
  @Column({ name: 'label', type: 'text' })
  label: string;

  /** The registration policy every client registered with this token is bound to. */
  @Column({ name: 'policy', type: 'text' })
  policy: string;

  /** null = unlimited. */
  @Column({ name: 'max_registrations', type: 'integer', nullable: true })
  maxRegistrations: number | null;

  /** Registrations left; decremented in the registration's own transaction. */
  @Column({ name: 'remaining', type: 'integer', nullable: true })
  remaining: number | null;

  @Column({ name: 'expires_at', type: 'timestamptz' })
  expiresAt: Date;

  @Column({ name: 'revoked_at', type: 'timestamptz', nullable: true })
  revokedAt: Date | null;

  @Column({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;
}
