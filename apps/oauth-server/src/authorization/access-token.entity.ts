import { Column, Entity, PrimaryColumn } from 'typeorm';

/** The record of a JWT access token (RFC 9068), by its jti: what revocation and introspection consult. */
@Entity({ name: 'access_tokens' })
export class AccessTokenRecord {
  @PrimaryColumn({ name: 'jti', type: 'uuid' })
  jti: string;

  @Column({ name: 'family_id', type: 'uuid', nullable: true })
  familyId: string | null;

  @Column({ name: 'client_id', type: 'text' })
  clientId: string;

  @Column({ name: 'user_id', type: 'uuid', nullable: true })
  userId: string | null;

  @Column({ name: 'grant_id', type: 'uuid', nullable: true })
  grantId: string | null;

  @Column({ name: 'scope', type: 'text' })
  scope: string;

  @Column({ name: 'expires_at', type: 'timestamptz' })
  expiresAt: Date;

  @Column({ name: 'revoked_at', type: 'timestamptz', nullable: true })
  revokedAt: Date | null;
}
