import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { Session } from './session.entity';

/** The only file that touches the sessions table. */
@Injectable()
export class SessionsRepository {
  constructor(@InjectRepository(Session) private readonly sessions: Repository<Session>) {}

  async insert(session: Session): Promise<void> {
    await this.sessions.insert(session);
  }

  /**
   * The live session with that id hash, its idle clock reset, in one statement; null when it does
   * not exist, has been idle longer than idleSeconds or passed its absolute end.
   */
  async touch(idHash: string, idleSeconds: number): Promise<Session | null> {
    const rows: SessionRow[] = await this.sessions.query(
      `UPDATE sessions SET last_seen_at = now()
        WHERE id_hash = $1 AND expires_at > now() AND last_seen_at > now() - make_interval(secs => $2)
        RETURNING id_hash, user_id, auth_time, created_at, last_seen_at, expires_at`,
      [idHash, idleSeconds],
    );
    // node-postgres returns [rows, count] for UPDATE … RETURNING through TypeORM's query()
    const row = (Array.isArray(rows[0]) ? (rows[0] as SessionRow[])[0] : rows[0]) as SessionRow | undefined;
    if (!row) return null;
    return {
      idHash: row.id_hash,
      userId: row.user_id,
      authTime: new Date(row.auth_time),
      createdAt: new Date(row.created_at),
      lastSeenAt: new Date(row.last_seen_at),
      expiresAt: new Date(row.expires_at),
    };
  }

  async delete(idHash: string): Promise<void> {
    await this.sessions.delete({ idHash });
  }

  /** Ends every session of the user; returns how many there were. */
  async deleteForUser(userId: string): Promise<number> {
    const result = await this.sessions.delete({ userId });
    return result.affected ?? 0;
  }
}

interface SessionRow {
  id_hash: string;
  user_id: string;
  auth_time: string | Date;
  created_at: string | Date;
  last_seen_at: string | Date;
  expires_at: string | Date;
}
