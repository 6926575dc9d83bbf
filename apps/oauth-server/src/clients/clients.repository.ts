import { Injectable } from '@nestjs/common';
import { InjectDataSource, InjectRepository } from '@nestjs/typeorm';
import { DataSource, Repository } from 'typeorm';
import { Client, SelfService } from './client.entity';
import { RegistrationToken } from './registration-token.entity';
import { RegistrationTokensRepository } from './registration-tokens.repository';

export interface ClientChange {
  metadata: Client['metadata'];
  secretHash: string | null;
  secretExpiresAt: Date | null;
  /** A rotated registration access token to store with the change, if any. */
  newToken?: RegistrationToken;
}

/** The only place that stores clients; a client and its registration tokens change together. */
@Injectable()
export class ClientsRepository {
  constructor(
    @InjectRepository(Client) private readonly clients: Repository<Client>,
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly tokens: RegistrationTokensRepository,
  ) {}

  /** Inserts the client and its first registration access token in one transaction. */
  async create(client: Client, token: RegistrationToken): Promise<void> {
    await this.dataSource.transaction(async (manager) => {
      await manager.insert(Client, client);
      await manager.insert(RegistrationToken, token);
    });
  }

  findById(clientId: string): Promise<Client | null> {
    return this.clients.findOneBy({ clientId });
  }

  /**
   * Locks the client row, lets `decide` compute the change from the current state and stores it,
   * all in one transaction: concurrent updates of one client apply one after the other.
   * Returns null when the client no longer exists.
   */
  async update(clientId: string, decide: (current: Client) => Promise<ClientChange>, graceSeconds: number): Promise<Client | null> {
    return this.dataSource.transaction(async (manager) => {
      const current = await manager.findOne(Client, { where: { clientId }, lock: { mode: 'pessimistic_write' } });
      if (!current) return null;
      const change = await decide(current);
      const updated: Client = {
        ...current,
        metadata: change.metadata,
        secretHash: change.secretHash,
        secretExpiresAt: change.secretExpiresAt,
        updatedAt: new Date(),
      };
      await manager.update(
        Client,
        { clientId },
        {
          metadata: change.metadata,
          secretHash: updated.secretHash,
          secretExpiresAt: updated.secretExpiresAt,
          updatedAt: updated.updatedAt,
        },
      );
      if (change.newToken) await this.tokens.rotate(change.newToken, graceSeconds, manager);
      return updated;
    });
  }

  /** Deletes the client; its registration tokens go with it (ON DELETE CASCADE). */
  async delete(clientId: string): Promise<boolean> {
    const result = await this.clients.delete({ clientId });
    return (result.affected ?? 0) > 0;
  }

  async setSelfService(clientId: string, selfService: SelfService): Promise<boolean> {
    const result = await this.clients.update({ clientId }, { selfService, updatedAt: new Date() });
    return (result.affected ?? 0) > 0;
  }
}

