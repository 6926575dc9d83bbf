import { Column, Entity, PrimaryColumn } from 'typeorm';

/** A browser login session; the cookie carries the id, the table only its HMAC. */
@Entity({ name: 'sessions' })
export class Session {
  @PrimaryColumn({ name: 'id_hash', type: 'text' })
  idHash: string;

  @Column({ name: 'user_id', type: 'uuid' })
  userId: string;

  /** When the user last entered the password (OIDC Core §2 auth_time; max_age and prompt=login). */
  @Column({ name: 'auth_time', type: 'timestamptz' })
  authTime: Date;

  @Column({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @Column({ name: 'last_seen_at', type: 'timestamptz' })
  lastSeenAt: Date;

  /** The absolute end of the session, fixed at login. */
  @Column({ name: 'expires_at', type: 'timestamptz' })
  expiresAt: Date;
}
