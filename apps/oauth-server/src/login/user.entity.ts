import { Column, Entity, PrimaryColumn } from 'typeorm';

/** An end-user. The password is stored only as a bcrypt hash. */
@Entity({ name: 'users' })
export class User {
  @PrimaryColumn({ name: 'id', type: 'uuid' })
  id: string;

  /** Unique regardless of case; also the OIDC preferred_username. */
  @Column({ name: 'username', type: 'text' })
  username: string;

  @Column({ name: 'email', type: 'text', nullable: true })
  email: string | null;

  @Column({ name: 'name', type: 'text', nullable: true })
  name: string | null;

  @Column({ name: 'password_hash', type: 'text' })
  passwordHash: string;

  @Column({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  /** Set by an operator (users:disable): no sign-in, no new tokens. Null while the user is active. */
  @Column({ name: 'disabled_at', type: 'timestamptz', nullable: true })
  disabledAt?: Date | null;
}
