import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { User } from './user.entity';

/** The only file that touches the users table. */
@Injectable()
export class UsersRepository {
  constructor(@InjectRepository(User) private readonly users: Repository<User>) {}

  /** Inserts the user; false when the username is taken (case-insensitively). */
  async insert(user: User): Promise<boolean> {
    const rows: unknown[] = await this.users.query(
      `INSERT INTO users (id, username, email, name, password_hash, created_at) VALUES ($1, $2, $3, $4, $5, $6)
       ON CONFLICT ((lower(username))) DO NOTHING RETURNING id`,
      [user.id, user.username, user.email, user.name, user.passwordHash, user.createdAt],
    );
    return rows.length === 1;
  }

  findByUsername(username: string): Promise<User | null> {
    return this.users.createQueryBuilder('u').where('lower(u.username) = lower(:username)', { username }).getOne();
  }

  findById(id: string): Promise<User | null> {
    return this.users.findOneBy({ id });
  }

  /** Newest first. */
  list(limit: number): Promise<User[]> {
    return this.users.find({ order: { createdAt: 'DESC', username: 'ASC' }, take: limit });
  }

  /** true when the user exists and is not disabled: one indexed read on the token issuing path. */
  async isActive(id: string): Promise<boolean> {
    const rows: unknown[] = await this.users.query('SELECT 1 FROM users WHERE id = $1 AND disabled_at IS NULL', [id]);
    return rows.length === 1;
  }

  /** Sets or clears disabled_at; false when no such user. */
  async setDisabled(id: string, disabled: boolean): Promise<boolean> {
    const result = await this.users.update({ id }, { disabledAt: disabled ? new Date() : null });
    return (result.affected ?? 0) > 0;
  }

  async setPasswordHash(id: string, passwordHash: string): Promise<boolean> {
    const result = await this.users.update({ id }, { passwordHash });
    return (result.affected ?? 0) > 0;
  }

  /** Deletes the user; sessions, grants, codes and tokens go with it (ON DELETE CASCADE). */
  async delete(id: string): Promise<boolean> {
    const result = await this.users.delete({ id });
    return (result.affected ?? 0) > 0;
  }
}
