import { Injectable, Logger } from '@nestjs/common';
import { ConsentRepository } from './consent.repository';

export interface GrantedApp {
  clientId: string;
  scopes: string[];
  grantedAt: Date;
}

/** The consent decision: which scopes a user has granted a client, remembered across requests. */
@Injectable()
export class ConsentService {
  private readonly logger = new Logger(ConsentService.name);

  constructor(private readonly grants: ConsentRepository) {}

  /** The id of the user's grant for the client when it covers every requested scope, else null. */
  async coveringGrant(userId: string, clientId: string, scopes: readonly string[]): Promise<string | null> {
    const grant = await this.grants.find(userId, clientId);
    if (!grant) return null;
    const granted = new Set(grant.scope.split(' '));
    return scopes.every((scope) => granted.has(scope)) ? grant.id : null;
  }

  /** Whether the user has allowed this client anything (RFC 9700 §4.11.2: the user trusts it). */
  async hasGrant(userId: string, clientId: string): Promise<boolean> {
    return (await this.grants.find(userId, clientId)) !== null;
  }

  /** Records the user's consent to these scopes (added to any granted before); returns the grant id. */
  async grant(userId: string, clientId: string, scopes: readonly string[]): Promise<string> {
    const existing = await this.grants.find(userId, clientId);
    const union = new Set([...(existing ? existing.scope.split(' ') : []), ...scopes]);
    const id = await this.grants.upsert(userId, clientId, [...union].join(' '));
    this.logger.log({ client_id: clientId, user_id: userId }, 'consent granted');
    return id;
  }

  async list(userId: string): Promise<GrantedApp[]> {
    const grants = await this.grants.listForUser(userId);
    return grants.map((grant) => ({ clientId: grant.clientId, scopes: grant.scope.split(' '), grantedAt: grant.createdAt }));
  }

  /** Withdraws the consent; every code, refresh and access token issued under it stops working. */
  async revoke(userId: string, clientId: string): Promise<boolean> {
    const revoked = await this.grants.delete(userId, clientId);
    if (revoked) this.logger.log({ client_id: clientId, user_id: userId }, 'consent revoked');
    return revoked;
  }
}
