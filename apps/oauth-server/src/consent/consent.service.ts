import { Inject, Injectable, Logger } from '@nestjs/common';
import { CONSENT_STORE, ConsentStore } from './consent-store';

export interface GrantedApp {
  clientId: string;
  scopes: string[];
  grantedAt: Date;
}

/** The consent decision: which scopes a user has granted a client, remembered across requests. */
@Injectable()
export class ConsentService {
  private readonly logger = new Logger(ConsentService.name);

  constructor(@Inject(CONSENT_STORE) private readonly grants: ConsentStore) {}

  /**
   * The id of the user's grant for the client when it covers every requested scope, else null. With
   * RFC 8707 resources, consent is per client *and* resource: each requested resource must have been
   * granted, with every requested scope, before (a grant for another resource does not count).
   */
  async coveringGrant(userId: string, clientId: string, scopes: readonly string[], resources: readonly string[] = []): Promise<string | null> {
    const grant = await this.grants.find(userId, clientId);
    if (!grant) return null;
    const covers = (granted: string | undefined) => granted !== undefined && scopes.every((scope) => granted.split(' ').includes(scope));
    if (resources.length === 0) return covers(grant.scope) ? grant.id : null;
    return resources.every((resource) => covers(grant.resourceScopes?.[resource])) ? grant.id : null;
  }

  /** Whether the user has allowed this client anything (RFC 9700 §4.11.2: the user trusts it). */
  async hasGrant(userId: string, clientId: string): Promise<boolean> {
    return (await this.grants.find(userId, clientId)) !== null;
  }

  /**
   * Records the user's consent to these scopes (added to any granted before), for the default audience
   * or, with RFC 8707 resources, for each of those resources; returns the grant id.
   */
  async grant(userId: string, clientId: string, scopes: readonly string[], resources: readonly string[] = []): Promise<string> {
    const existing = await this.grants.find(userId, clientId);
    const union = (before: string | undefined) => [...new Set([...(before ? before.split(' ') : []), ...scopes])].join(' ');
    const resourceScopes: Record<string, string> = { ...(existing?.resourceScopes ?? {}) };
    for (const resource of resources) resourceScopes[resource] = union(resourceScopes[resource]);
    const scope = resources.length === 0 ? union(existing?.scope) : (existing?.scope ?? '');
    const id = await this.grants.upsert(userId, clientId, scope, resourceScopes);
    this.logger.log({ client_id: clientId, user_id: userId }, 'consent granted');
    return id;
  }

  async list(userId: string): Promise<GrantedApp[]> {
    const grants = await this.grants.listForUser(userId);
    return grants.map((grant) => {
      // Scopes granted for the default audience and for each RFC 8707 resource, once each
      const scopes = [grant.scope, ...Object.values(grant.resourceScopes ?? {})].flatMap((scope) => scope.split(' ')).filter(Boolean);
      return { clientId: grant.clientId, scopes: [...new Set(scopes)], grantedAt: grant.createdAt };
    });
  }

  /** Withdraws the consent; every code, refresh and access token issued under it stops working. */
  async revoke(userId: string, clientId: string): Promise<boolean> {
    const revoked = await this.grants.delete(userId, clientId);
    if (revoked) this.logger.log({ client_id: clientId, user_id: userId }, 'consent revoked');
    return revoked;
  }
}
