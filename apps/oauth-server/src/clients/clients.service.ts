import { APP_CONFIG, AppConfig } from '@app/config';
import { randomToken } from '@app/crypto';
import { SecretHasher } from '@app/hashing';
import {
  InvalidSoftwareStatementError,
  InvalidTokenError,
  RegistrationQuotaExceededError,
  UnapprovedSoftwareStatementError,
} from '@app/oauth-errors';
import { Inject, Injectable, Logger } from '@nestjs/common';
import type { AuditEvent } from '../audit/audit-event.entity';
import { AuditService } from '../audit/audit.service';
import type { ClientMetadata, MetadataPolicy } from './client-metadata';
import { Client, SelfService } from './client.entity';
import {
  Admission,
  CLIENT_ADMINISTRATION_STORE,
  CLIENT_STORE,
  ClientAdministrationStore,
  ClientStore,
  CreateOutcome,
  REGISTRATION_TOKEN_STORE,
  RegistrationTokenStore,
} from './client-stores';
import { admittingPolicy, assertSelfService, assertUpdateRequest, decideUpdate, isConfidential, judgeMetadata, policyNamed, SecretCheck } from './client-update';
import { ClientInformationDto, IssuedSecrets, toClientInformation } from './dto/client-information.dto';
import { RegisterClientDto } from './dto/register-client.dto';
import { UpdateClientDto } from './dto/update-client.dto';
import { RegistrationToken } from './registration-token.entity';
import type { AdmittingToken } from './initial-access-tokens.service';
import { admitsSoftwareId } from './policies/policy-enforcement';
import { REGISTRATION_POLICIES } from './policies/registration-policies.module';
import { RegistrationPolicies, RegistrationPolicy } from './policies/registration-policy';
import { SoftwareStatementVerifier, VerifiedStatement } from './software-statement.verifier';

// RFC 6749 §10.10: guessing a credential MUST be ≤ 2^-128 likely (SHOULD ≤ 2^-160): 128 bits for identifiers, 256 for secrets and tokens.
const CLIENT_ID_BYTES = 16;
const SECRET_BYTES = 32;

export interface RotatedSecret {
  clientSecret: string;
  client: Client;
}

/** What the service needs of the audit trail, the secret hasher and the statement verifier (fakes in unit specs). */
export type AuditTrail = Pick<AuditService, 'prepare' | 'committed' | 'record'>;
export type Hasher = Pick<SecretHasher, 'hash' | 'matches'>;
export type StatementVerifier = Pick<SoftwareStatementVerifier, 'verify'>;

/** Who is registering: the admitting initial access token (absent: anonymous) and the source address. */
export interface RegistrationContext {
  initialAccessToken?: AdmittingToken;
  sourceAddress: string | null;
}

/** Registration rules (RFC 7591) and self-service management rules (RFC 7592). */
@Injectable()
export class ClientsService {
  private readonly logger = new Logger(ClientsService.name);
  private readonly metadataRules: MetadataPolicy;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(CLIENT_STORE) private readonly clients: ClientStore,
    @Inject(CLIENT_ADMINISTRATION_STORE) private readonly administration: ClientAdministrationStore,
    @Inject(REGISTRATION_TOKEN_STORE) private readonly tokens: RegistrationTokenStore,
    @Inject(SecretHasher) private readonly hasher: Hasher,
    @Inject(AuditService) private readonly audit: AuditTrail,
    @Inject(REGISTRATION_POLICIES) private readonly registrationPolicies: RegistrationPolicies,
    @Inject(SoftwareStatementVerifier) private readonly statements: StatementVerifier,
  ) {
    this.metadataRules = {
      scopesSupported: config.oauth.scopesSupported,
      maxRedirectUris: config.registration.maxRedirectUris,
      maxContacts: config.registration.maxContacts,
    };
  }

  /** RFC 7591 §3.1–3.2: judge under the admitting policy, apply defaults, issue credentials. */
  async register(body: RegisterClientDto, context: RegistrationContext = { sourceAddress: null }): Promise<ClientInformationDto> {
    const policy = policyNamed(context.initialAccessToken?.policy ?? this.registrationPolicies.openRegistrationPolicy, this.registrationPolicies);
    const { software_statement: statement, ...requested } = body;
    const verified = statement === undefined ? undefined : await this.verifyStatement(statement, policy);
    if (!verified && policy.requireSoftwareStatement) {
      throw new InvalidSoftwareStatementError(
        `software_statement: required (registration policy "${policy.name}", rule require_software_statement; RFC 7591 §2.3)`,
      );
    }
    const metadata = judgeMetadata({ ...requested, ...verified?.metadata }, policy, this.metadataRules);
    // RFC 7591 §3.2.1: the statement is returned unmodified, the values used also at top level
    if (statement !== undefined) metadata.software_statement = statement;
    const now = new Date();
    const issued: IssuedSecrets = {};
    const client: Client = {
      clientId: randomToken(CLIENT_ID_BYTES),
      secretHash: null,
      secretExpiresAt: null,
      metadata,
      selfService: 'full',
      issuedAt: now,
      updatedAt: now,
      registrationPolicy: policy.name,
      admittedBy: verified ? 'software_statement' : context.initialAccessToken ? 'initial_access_token' : 'anonymous',
      initialAccessTokenId: context.initialAccessToken?.id ?? null,
      registeredFrom: context.sourceAddress,
      softwareStatementClaims: (verified?.metadata as Client['softwareStatementClaims']) ?? null,
    };
    if (isConfidential(metadata)) {
      issued.clientSecret = randomToken(SECRET_BYTES);
      client.secretHash = await this.hasher.hash(issued.clientSecret);
      client.secretExpiresAt = this.secretExpiry(now);
    }
    const { token, value } = await this.newRegistrationToken(client.clientId, now);
    issued.registrationAccessToken = value;
    const audit = this.audit.prepare({
      event: 'client.registered',
      clientId: client.clientId,
      actor: context.initialAccessToken ? 'initial_access_token' : 'anonymous',
      details: {
        ...auditedMetadata(metadata),
        policy: policy.name,
        initial_access_token_id: client.initialAccessTokenId,
        software_statement_issuer: verified?.issuer ?? null,
      },
    });
    // RFC 7591 §3.2.1: the response is sent only after the client, its token and the audit record are committed.
    const outcome = await this.clients.create(
      client,
      token,
      { initialAccessTokenId: context.initialAccessToken?.id, dailyQuotas: dailyQuotas(policy, metadata, context.sourceAddress) },
      audit,
    );
    if (outcome !== 'created') throw quotaError(outcome, policy);
    this.audit.committed(audit);
    this.logger.log(
      { client_id: client.clientId, grant_types: metadata.grant_types, policy: policy.name, initial_access_token_id: client.initialAccessTokenId },
      'client registered',
    );
    return toClientInformation(client, issued, this.config);
  }

  private async verifyStatement(statement: string, policy: RegistrationPolicy): Promise<VerifiedStatement> {
    const verified = await this.statements.verify(statement);
    const softwareId = verified.metadata.software_id;
    if (!admitsSoftwareId(policy, softwareId)) {
      // RFC 7591 §3.2.2: a valid statement for software this server does not approve
      throw new UnapprovedSoftwareStatementError(
        `software_statement: software_id "${String(softwareId)}" is not approved (registration policy "${policy.name}", rule software_ids)`,
      );
    }
    return verified;
  }

  /** RFC 7592 §2.1 Client Read Request; rotates the token when REGISTRATION_TOKEN_ROTATION=on-every-use. */
  async read(client: Client): Promise<ClientInformationDto> {
    assertSelfService(client.selfService, 'read');
    const issued: IssuedSecrets = {};
    if (this.config.registration.tokenRotation === 'on-every-use') {
      const { token, value } = await this.newRegistrationToken(client.clientId, new Date());
      // RFC 7592 §2.1, RFC 6750 §3.1: a read that loses the race with a delete finds no client: 401, not a 500
      if (!(await this.tokens.rotate(token, this.config.registration.tokenGraceSeconds))) {
        throw new InvalidTokenError('the registration access token is not valid for this client');
      }
      issued.registrationAccessToken = value;
    }
    return toClientInformation(client, issued, this.config);
  }

  /**
   * RFC 7592 §2.2 Client Update Request: a full replacement of the metadata. The I/O happens here
   * (statement verification, the secret comparison, storing); the rules are decideUpdate()'s
   * (client-update.ts). Stored optimistically against the row the guard read; if that row changed
   * meanwhile, or a token is rotated with the change, decided again on the locked row.
   */
  async update(current: Client, body: UpdateClientDto): Promise<ClientInformationDto> {
    assertUpdateRequest(current, body);
    const policy = admittingPolicy(current, this.registrationPolicies);
    const verified = body.software_statement === undefined ? undefined : await this.verifyStatement(body.software_statement, policy);
    const secret = await this.checkSecret(body.client_secret, current.secretHash);
    const input = { body, policies: this.registrationPolicies, metadataRules: this.metadataRules, verified, secret };
    const change = decideUpdate({ ...input, current });

    const issued: IssuedSecrets = {};
    const rotated = this.config.registration.tokenRotation === 'never' ? undefined : await this.newRegistrationToken(current.clientId, new Date());
    let audit: AuditEvent | undefined;
    // Stored with the change, in its statement or transaction: the update is acknowledged only with its record.
    const record = (updated: Client): AuditEvent =>
      (audit = this.audit.prepare({
        event: 'client.updated',
        clientId: current.clientId,
        actor: 'client',
        details: { ...auditedMetadata(updated.metadata), secret_issued: false, token_rotated: rotated !== undefined },
      }));
    let updated = rotated ? null : await this.clients.updateIfUnchanged(current, change, record);
    updated ??= await this.clients.updateLocked(
      current.clientId,
      (locked) => decideUpdate({ ...input, current: locked }),
      record,
      rotated && { token: rotated.token, graceSeconds: this.config.registration.tokenGraceSeconds },
    );
    // RFC 7592 §2.2: a client that no longer exists gets 401, as in §2.1
    if (!updated) throw new InvalidTokenError('the registration access token is not valid for this client');
    if (rotated) issued.registrationAccessToken = rotated.value;
    this.logger.log({ client_id: current.clientId }, 'client updated');
    if (audit) this.audit.committed(audit);
    return toClientInformation(updated, issued, this.config);
  }

  /** RFC 7592 §2.2: the presented client_secret compared (constant time) with the issued one's hash. */
  private async checkSecret(presented: string | undefined, storedHash: string | null): Promise<SecretCheck | undefined> {
    if (typeof presented !== 'string' || storedHash === null) return undefined;
    return { against: storedHash, matches: await this.hasher.matches(presented, storedHash) };
  }

  /** RFC 7592 §2.3 Client Delete Request: the client and every credential of it stop working at once. */
  async delete(client: Client): Promise<void> {
    assertSelfService(client.selfService, 'delete');
    // Stored in the DELETE's own statement, and only if a row was deleted.
    const audit = this.audit.prepare({ event: 'client.deleted', clientId: client.clientId, actor: 'client' });
    if (!(await this.clients.delete(client.clientId, audit))) {
      throw new InvalidTokenError('the registration access token is not valid for this client');
    }
    this.logger.log({ client_id: client.clientId }, 'client deleted');
    this.audit.committed(audit);
  }

  /** Operator action: lock or unlock a client's RFC 7592 self-service. */
  async setSelfService(clientId: string, selfService: SelfService): Promise<boolean> {
    const changed = await this.administration.setSelfService(clientId, selfService);
    if (changed) this.logger.log({ client_id: clientId, self_service: selfService }, 'client self-service changed');
    if (changed) this.audit.record({ event: 'client.self_service_changed', clientId, actor: 'operator', details: { self_service: selfService } });
    return changed;
  }

  /** RFC 7662 §4: whether the client may introspect tokens issued to other clients (operator CLI). */
  async setIntrospectionAllowed(clientId: string, allowed: boolean): Promise<boolean> {
    const changed = await this.administration.setIntrospectionAllowed(clientId, allowed);
    if (changed) this.logger.log({ client_id: clientId, introspection_allowed: allowed }, 'client introspection permission changed');
    if (changed) this.audit.record({ event: 'client.introspection_changed', clientId, actor: 'operator', details: { introspection_allowed: allowed } });
    return changed;
  }

  /** Operator view: newest clients first. */
  listClients(limit = 100): Promise<Client[]> {
    return this.administration.list(limit);
  }

  /** Operator view of one client, with its binding and lifecycle columns. */
  findClient(clientId: string): Promise<Client | null> {
    return this.clients.findById(clientId);
  }

  /** Operator deletion: like RFC 7592 §2.3, every credential of the client stops working at once. */
  async deleteByOperator(clientId: string): Promise<boolean> {
    const deleted = await this.clients.delete(clientId);
    if (deleted) {
      this.logger.log({ client_id: clientId }, 'client deleted by the operator');
      this.audit.record({ event: 'client.deleted', clientId, actor: 'operator' });
    }
    return deleted;
  }

  /**
   * Operator secret rotation. The new secret is returned once; the old one keeps working for
   * graceSeconds so deployed instances can be updated. The registration access token is untouched:
   * an administrative change must not lock the client out of RFC 7592 management.
   */
  async rotateSecret(clientId: string, graceSeconds = this.config.registration.secretRotationGraceSeconds): Promise<RotatedSecret | 'public' | null> {
    const secret = randomToken(SECRET_BYTES);
    const now = new Date();
    const rotated = await this.administration.rotateSecret(clientId, await this.hasher.hash(secret), this.secretExpiry(now), graceSeconds);
    if (rotated === null || rotated === 'public') return rotated;
    this.logger.log({ client_id: clientId, grace_seconds: graceSeconds }, 'client secret rotated by the operator');
    this.audit.record({ event: 'client.secret_rotated', clientId, actor: 'operator', details: { previous_secret_valid_seconds: graceSeconds } });
    return { clientSecret: secret, client: rotated };
  }

  private async newRegistrationToken(clientId: string, now: Date): Promise<{ token: RegistrationToken; value: string }> {
    const value = randomToken(SECRET_BYTES);
    const token: RegistrationToken = {
      clientId,
      tokenHash: await this.hasher.hash(value),
      expiresAt: new Date(now.getTime() + this.config.registration.tokenTtlSeconds * 1000),
      revokedAt: null,
      createdAt: now,
    };
    return { token, value };
  }

  private secretExpiry(now: Date): Date | null {
    const ttl = this.config.registration.clientSecretTtlSeconds;
    return ttl > 0 ? new Date(now.getTime() + ttl * 1000) : null;
  }
}

function dailyQuotas(policy: RegistrationPolicy, metadata: ClientMetadata, sourceAddress: string | null): Admission['dailyQuotas'] {
  const quotas: NonNullable<Admission['dailyQuotas']> = [];
  const { perSoftwareIdPerDay, perSourceAddressPerDay } = policy.quotas;
  if (perSoftwareIdPerDay !== undefined && metadata.software_id !== undefined) {
    quotas.push({ kind: 'software_id', key: metadata.software_id, limit: perSoftwareIdPerDay });
  }
  if (perSourceAddressPerDay !== undefined && sourceAddress !== null) {
    quotas.push({ kind: 'source_address', key: sourceAddress, limit: perSourceAddressPerDay });
  }
  return quotas;
}

// docs/registration-policies.md (quotas): an exhausted quota is 403, naming the rule that refused the registration.
function quotaError(outcome: Exclude<CreateOutcome, 'created'>, policy: RegistrationPolicy): RegistrationQuotaExceededError {
  switch (outcome) {
    case 'initial-access-token':
      return new RegistrationQuotaExceededError('the initial access token has no registrations left (or was revoked or expired meanwhile)');
    case 'software_id':
      return new RegistrationQuotaExceededError(
        `too many registrations of this software_id today (registration policy "${policy.name}", rule quotas.per_software_id_per_day)`,
      );
    case 'source_address':
      return new RegistrationQuotaExceededError(
        `too many registrations from this address today (registration policy "${policy.name}", rule quotas.per_source_address_per_day)`,
      );
  }
}

// Audit details: what kind of client this is, never a secret or a token.
function auditedMetadata(metadata: ClientMetadata): Record<string, unknown> {
  return {
    grant_types: metadata.grant_types,
    token_endpoint_auth_method: metadata.token_endpoint_auth_method,
    redirect_uris: metadata.redirect_uris,
  };
}
