import { APP_CONFIG, AppConfig } from '@app/config';
import { constantTimeEqual, randomToken } from '@app/crypto';
import { SecretHasher } from '@app/hashing';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { AuditService } from '../audit/audit.service';
import { InitialAccessToken } from './initial-access-token.entity';
import { InitialAccessTokensRepository } from './initial-access-tokens.repository';
import { REGISTRATION_POLICIES } from './policies/registration-policies.module';
import type { RegistrationPolicies } from './policies/registration-policy';

const TOKEN_BYTES = 32;

/** What a valid initial access token admits: a policy, and (for minted tokens) a use count to take. */
export interface AdmittingToken {
  /** null for the static REGISTRATION_INITIAL_ACCESS_TOKEN, which has no use count. */
  id: string | null;
  policy: string;
}

export interface MintRequest {
  label: string;
  policy?: string;
  maxRegistrations?: number;
  ttlSeconds: number;
}

export class UnknownPolicyError extends Error {}

/** RFC 7591 §3: initial access tokens that operators mint, list and revoke. */
@Injectable()
export class InitialAccessTokensService {
  private readonly logger = new Logger(InitialAccessTokensService.name);

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(REGISTRATION_POLICIES) private readonly policies: RegistrationPolicies,
    private readonly tokens: InitialAccessTokensRepository,
    private readonly hasher: SecretHasher,
    private readonly audit: AuditService,
  ) {}

  /** Returns the token value once; only its hash is stored. */
  async mint(request: MintRequest): Promise<{ token: string; record: InitialAccessToken }> {
    const policyName = request.policy ?? this.policies.initialAccessTokenPolicy;
    const policy = this.policies.policies.get(policyName);
    if (!policy) throw new UnknownPolicyError(`No registration policy named "${policyName}"; known: ${[...this.policies.policies.keys()].join(', ')}`);
    const token = randomToken(TOKEN_BYTES);
    const now = new Date();
    const max = request.maxRegistrations ?? policy.quotas.perInitialAccessToken ?? null;
    const record: InitialAccessToken = {
      id: randomUUID(),
      tokenHash: await this.hasher.hash(token),
      label: request.label,
      policy: policyName,
      maxRegistrations: max,
      remaining: max,
      expiresAt: new Date(now.getTime() + request.ttlSeconds * 1000),
      revokedAt: null,
      createdAt: now,
    };
    await this.tokens.create(record);
    this.logger.log({ initial_access_token_id: record.id, policy: policyName }, 'initial access token minted');
    this.audit.record({
      event: 'initial_access_token.minted',
      actor: 'operator',
      details: { initial_access_token_id: record.id, label: record.label, policy: policyName, max_registrations: max, expires_at: record.expiresAt.toISOString() },
    });
    return { token, record };
  }

  list(): Promise<InitialAccessToken[]> {
    return this.tokens.list();
  }

  async revoke(id: string): Promise<boolean> {
    const revoked = await this.tokens.revoke(id);
    if (revoked) {
      this.logger.log({ initial_access_token_id: id }, 'initial access token revoked');
      this.audit.record({ event: 'initial_access_token.revoked', actor: 'operator', details: { initial_access_token_id: id } });
    }
    return revoked;
  }

  /** The policy a presented token admits under, or a reason why it admits nothing. */
  async authenticate(presented: string): Promise<AdmittingToken | { refused: string }> {
    const fixed = this.config.registration.initialAccessToken;
    if (fixed !== undefined && constantTimeEqual(presented, fixed)) return { id: null, policy: this.policies.initialAccessTokenPolicy };
    const record = await this.tokens.findByHash(await this.hasher.hash(presented));
    if (!record) return { refused: 'the initial access token is not valid' };
    if (record.revokedAt) return { refused: 'the initial access token has been revoked' };
    if (record.expiresAt.getTime() <= Date.now()) return { refused: 'the initial access token has expired' };
    return { id: record.id, policy: record.policy };
  }
}
