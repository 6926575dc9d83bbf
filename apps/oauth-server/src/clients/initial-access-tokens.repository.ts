import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { IsNull, Repository } from 'typeorm';
import { InitialAccessToken } from './initial-access-token.entity';

/** The only file that touches Repository<InitialAccessToken>; the use count is taken in ClientsRepository.create. */
@Injectable()
export class InitialAccessTokensRepository {
  constructor(@InjectRepository(InitialAccessToken) private readonly tokens: Repository<InitialAccessToken>) {}

  async create(token: InitialAccessToken): Promise<void> {
    await this.tokens.insert(token);
  }

  findByHash(tokenHash: string): Promise<InitialAccessToken | null> {
    return this.tokens.findOneBy({ tokenHash });
  }

  list(): Promise<InitialAccessToken[]> {
    return this.tokens.find({ order: { createdAt: 'DESC' } });
  }

  async revoke(id: string): Promise<boolean> {
    const result = await this.tokens.update({ id, revokedAt: IsNull() }, { revokedAt: new Date() });
    return (result.affected ?? 0) > 0;
  }
}
