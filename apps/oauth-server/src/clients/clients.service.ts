import { APP_CONFIG, AppConfig } from '@app/config';
import { randomToken } from '@app/crypto';
import { SecretHasher } from '@app/hashing';
import {
  InsufficientScopeError,
  InvalidClientMetadataError,
  InvalidRequestError,
  InvalidSoftwareStatementError,
  InvalidTokenError,
  RegistrationQuotaExceededError,
  UnapprovedSoftwareStatementError,
} from '@app/oauth-errors';
import { Inject, Injectable, Logger } from '@nestjs/common';
import type { AuditEvent } from '../audit/audit-event.entity';
import { AuditService } from '../audit/audit.service';
import { assertValidClientMetadata, ClientMetadata, MetadataPolicy, RequestedMetadata, withoutUnknownScopes, withRegistrationDefaults } from './client-metadata';
import { Client, SelfService } from './client.entity';
import { Admission, ClientsRepository, CreateOutcome } from './clients.repository';
import { RegistrationTokensRepository } from './registration-tokens.repository';
import { ClientInformationDto, IssuedSecrets, toClientInformation } from './dto/client-information.dto';
import { RegisterClientDto } from './dto/register-client.dto';
import { SERVER_ASSIGNED_FIELDS, UpdateClientDto } from './dto/update-client.dto';
import { RegistrationToken } from './registration-token.entity';
import type { AdmittingToken } from './initial-access-tokens.service';
import { assertAllowedByPolicy, assertJwksUriIsPublic, withPolicyDefaults } from './policies/policy-enforcement';
import { REGISTRATION_POLICIES } from './policies/registration-policies.module';
import { DEFAULT_POLICY_NAME, RegistrationPolicies, RegistrationPolicy } from './policies/registration-policy';
import { SoftwareStatementVerifier, VerifiedStatement } from './software-statement.verifier';

// RFC 6749 §10.10: guessing a credential MUST be ≤ 2^-128 likely (SHOULD ≤ 2^-160): 128 bits for identifiers, 256 for secrets and tokens.
const CLIENT_ID_BYTES = 16;
const SECRET_BYTES = 32;

export interface RotatedSecret {
  clientSecret: string;
  client: Client;
}

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
    private readonly clients: ClientsRepository,
    private readonly tokens: RegistrationTokensRepository,
    private readonly hasher: SecretHasher,
    private readonly audit: AuditService,
    @Inject(REGISTRATION_POLICIES) private readonly registrationPolicies: RegistrationPolicies,
    private readonly statements: SoftwareStatementVerifier,
  ) {
    this.metadataRules = {
      scopesSupported: config.oauth.scopesSupported,
      maxRedirectUris: config.registration.maxRedirectUris,
      maxContacts: config.registration.maxContacts,
    };
  }

  /** RFC 7591 §3.1–3.2: judge under the admitting policy, apply defaults, issue credentials. */
  async register(body: RegisterClientDto, context: RegistrationContext = { sourceAddress: null }): Promise<ClientInformationDto> {
    const policy = this.policy(context.initialAccessToken?.policy ?? this.registrationPolicies.openRegistrationPolicy);
    const { software_statement: statement, ...requested } = body;
    const verified = statement === undefined ? undefined : await this.verifyStatement(statement, policy);
    if (!verified && policy.requireSoftwareStatement) {
      throw new InvalidSoftwareStatementError(
        `software_statement: required (registration policy "${policy.name}", rule require_software_statement; RFC 7591 §2.3)`,
      );
    }
    const metadata = this.judge({ ...requested, ...verified?.metadata }, policy);
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

  /** Server-wide rules (client-metadata.ts), then the policy's own (RFC 7591 §5 among them). */
  private judge(requested: RequestedMetadata, policy: RegistrationPolicy): ClientMetadata {
    const known = withoutUnknownScopes(requested, this.metadataRules.scopesSupported);
    const metadata = withRegistrationDefaults(withPolicyDefaults(known, policy), this.metadataRules);
    assertValidClientMetadata(metadata, this.metadataRules);
    assertJwksUriIsPublic(metadata);
    assertAllowedByPolicy(metadata, policy);
    return metadata;
  }

  private async verifyStatement(statement: string, policy: RegistrationPolicy): Promise<VerifiedStatement> {
    const verified = await this.statements.verify(statement);
    const softwareId = verified.metadata.software_id;
    if (policy.softwareIds && (typeof softwareId !== 'string' || !policy.softwareIds.includes(softwareId))) {
      // RFC 7591 §3.2.2: a valid statement for software this server does not approve
      throw new UnapprovedSoftwareStatementError(
        `software_statement: software_id "${String(softwareId)}" is not approved (registration policy "${policy.name}", rule software_ids)`,
      );
    }
    return verified;
  }

  private policy(name: string): RegistrationPolicy {
    const policy = this.registrationPolicies.policies.get(name);
    // A policy removed from the file after clients or tokens were bound to it: refuse rather than guess.
    if (!policy) throw new InvalidClientMetadataError(`registration policy "${name}" no longer exists; ask the operator`);
    return policy;
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

  /** RFC 7592 §2.2 Client Update Request: a full replacement of the metadata. */
  async update(current: Client, body: UpdateClientDto): Promise<ClientInformationDto> {
    assertSelfService(current.selfService, 'update');
    // RFC 7592 §2.2: the request MUST NOT include the server-assigned fields
    const forbidden = SERVER_ASSIGNED_FIELDS.filter((field) => body[field] !== undefined);
    if (forbidden.length > 0) {
      throw new InvalidRequestError(`${forbidden.join(', ')}: assigned by the server and must not be sent (RFC 7592 §2.2)`);
    }
    // RFC 7592 §2.2: client_id MUST be present and equal the registered one
    if (body.client_id !== current.clientId) {
      throw new InvalidRequestError('client_id: must equal the client_id of this registration (RFC 7592 §2.2)');
    }
    const { client_id: _id, client_secret: presentedSecret, software_statement: statement, ...requested } = body;
    void _id;
    for (const field of SERVER_ASSIGNED_FIELDS) delete (requested as Record<string, unknown>)[field];
    // The guard loaded the whole row with the token; the binding below never changes after registration.
    const stored = current;
    // docs/registration-policies.md (Binding and lifecycle): the policy that admitted the client judges every update, so it cannot widen itself.
    const policy = this.policy(stored.registrationPolicy ?? DEFAULT_POLICY_NAME);
    const verified = statement === undefined ? undefined : await this.verifyStatement(statement, policy);
    // RFC 7591 §2.3: statement claims take precedence; without a new statement the stored claims still do.
    const claims = verified?.metadata ?? (stored.softwareStatementClaims as RequestedMetadata | null | undefined) ?? undefined;
    // RFC 7592 §2.2: omitted fields are treated as null, so registration defaults apply again
    const metadata = this.judge({ ...requested, ...claims }, policy);
    const keptStatement = statement ?? (claims ? stored.metadata.software_statement : undefined);
    if (keptStatement !== undefined) metadata.software_statement = keptStatement;

    const now = new Date();
    const issued: IssuedSecrets = {};
    const rotation = this.config.registration.tokenRotation;
    const rotated = rotation === 'never' ? undefined : await this.newRegistrationToken(current.clientId, now);
    let audit: AuditEvent | undefined;
    const updated = await this.clients.update(
      current.clientId,
      async (locked) => {
        assertSelfService(locked.selfService, 'update');
        let secretHash = locked.secretHash;
        let secretExpiresAt = locked.secretExpiresAt;
        if (locked.secretHash !== null) {
          // RFC 7592 §2.2: a client_secret sent MUST match the issued one; it can never be chosen by the client
          if (typeof presentedSecret !== 'string') {
            throw new InvalidRequestError('client_secret: required for a confidential client (RFC 7592 §2.2)');
          }
          if (!(await this.hasher.matches(presentedSecret, locked.secretHash))) {
            throw new InvalidRequestError('client_secret: does not match the issued client secret (RFC 7592 §2.2)');
          }
        }
        if (isConfidential(metadata) && secretHash === null) {
          // The new secret would exist only in this response: a client that lost it could neither retry
          // the update (no secret to present) nor authenticate. Changing client type means a new registration.
          throw new InvalidClientMetadataError(
            'token_endpoint_auth_method: a public client cannot become confidential; register a new client',
          );
        } else if (!isConfidential(metadata)) {
          secretHash = null;
          secretExpiresAt = null;
        }
        return {
          metadata,
          secretHash,
          secretExpiresAt,
          newToken: rotated?.token,
          ...(verified ? { softwareStatementClaims: verified.metadata as Client['softwareStatementClaims'] } : {}),
        };
      },
      this.config.registration.tokenGraceSeconds,
      // Stored with the change, in its transaction: the update is acknowledged only with its record.
      (changed) =>
        (audit = this.audit.prepare({
          event: 'client.updated',
          clientId: current.clientId,
          actor: 'client',
          details: { ...auditedMetadata(changed.metadata), secret_issued: issued.clientSecret !== undefined, token_rotated: rotated !== undefined },
        })),
      // The row the guard read: stored in one conditional UPDATE if nothing changed it meanwhile.
      current,
    );
    // RFC 7592 §2.2: a client that no longer exists gets 401, as in §2.1
    if (!updated) throw new InvalidTokenError('the registration access token is not valid for this client');
    if (rotated) issued.registrationAccessToken = rotated.value;
    this.logger.log({ client_id: current.clientId }, 'client updated');
    if (audit) this.audit.committed(audit);
    return toClientInformation(updated, issued, this.config);
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
    const changed = await this.clients.setSelfService(clientId, selfService);
    if (changed) this.logger.log({ client_id: clientId, self_service: selfService }, 'client self-service changed');
    if (changed) this.audit.record({ event: 'client.self_service_changed', clientId, actor: 'operator', details: { self_service: selfService } });
    return changed;
  }

  /** RFC 7662 §4: whether the client may introspect tokens issued to other clients (operator CLI). */
  async setIntrospectionAllowed(clientId: string, allowed: boolean): Promise<boolean> {
    const changed = await this.clients.setIntrospectionAllowed(clientId, allowed);
    if (changed) this.logger.log({ client_id: clientId, introspection_allowed: allowed }, 'client introspection permission changed');
    if (changed) this.audit.record({ event: 'client.introspection_changed', clientId, actor: 'operator', details: { introspection_allowed: allowed } });
    return changed;
  }

  /** Operator view: newest clients first. */
  listClients(limit = 100): Promise<Client[]> {
    return this.clients.list(limit);
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
    const rotated = await this.clients.rotateSecret(clientId, await this.hasher.hash(secret), this.secretExpiry(now), graceSeconds);
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

/** RFC 7591 §3.2.1: whether the client is issued a client_secret — only the client_secret_* methods use one (not none, not private_key_jwt). */
function isConfidential(metadata: ClientMetadata): boolean {
  return metadata.token_endpoint_auth_method === 'client_secret_basic' || metadata.token_endpoint_auth_method === 'client_secret_post';
}

// RFC 7592 §2: a client without permission for the operation gets 403
function assertSelfService(selfService: SelfService, operation: 'read' | 'update' | 'delete'): void {
  if (selfService === 'full') return;
  if (selfService === 'read-only' && operation === 'read') return;
  throw new InsufficientScopeError(
    selfService === 'none'
      ? 'self-service for this client has been disabled by the operator'
      : `this client may only read its registration; ${operation} has been disabled by the operator`,
  );
}
