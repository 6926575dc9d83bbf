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
}
