import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';

/** The only file that touches client_assertion_jtis (RFC 7523 §3 item 7 replay store). */
@Injectable()
export class ClientAssertionJtisRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /**
   * Records the jti as used; false when this client already used it. One statement, so two requests
   * racing with the same assertion cannot both win (the primary key decides).
   */
  async claim(clientId: string, jti: string, expiresAt: Date): Promise<boolean> {
    const runner = this.dataSource.createQueryRunner();
    try {
      // A structured result counts RETURNING rows the same way on PostgreSQL and on PGlite.
      const result = await runner.query(
        `INSERT INTO client_assertion_jtis (client_id, jti, expires_at) VALUES ($1, $2, $3)
         ON CONFLICT (client_id, jti) DO NOTHING RETURNING 1`,
        [clientId, jti, expiresAt],
        true,
      );
      return result.records.length === 1;
    } finally {
      await runner.release();
    }
  }
}
