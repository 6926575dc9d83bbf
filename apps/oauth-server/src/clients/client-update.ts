import { InsufficientScopeError, InvalidClientMetadataError, InvalidRequestError } from '@app/oauth-errors';
import { assertValidClientMetadata, ClientMetadata, MetadataPolicy, RequestedMetadata, withoutUnknownScopes, withRegistrationDefaults } from './client-metadata';
import type { Client, SelfService } from './client.entity';
import type { ClientChange } from './client-stores';
import { SERVER_ASSIGNED_FIELDS, UpdateClientDto } from './dto/update-client.dto';
import { assertAllowedByPolicy, assertJwksUriIsPublic, withPolicyDefaults } from './policies/policy-enforcement';
import { DEFAULT_POLICY_NAME, RegistrationPolicies, RegistrationPolicy } from './policies/registration-policy';
import type { VerifiedStatement } from './software-statement.verifier';

/*
 * The rules of RFC 7591 registration metadata and of the RFC 7592 §2.2 Client Update Request, as
 * pure functions: the stored client, the request and the policy in; the change or an OAuthError out.
 * ClientsService does the I/O around them (statement verification, secret hashing, storing); the
 * unit tests beside this file state each rule (client-update.spec.ts).
 */

/** The presented client_secret, already compared (in constant time, SecretHasher.matches) with one stored hash. */
export interface SecretCheck {
  /** The stored hash the presented secret was compared with. */
  against: string;
  matches: boolean;
}

export interface UpdateInput {
  /** The stored client the change is decided on: the row the request read, or the same row locked. */
  current: Client;
  body: UpdateClientDto;
  policies: RegistrationPolicies;
  metadataRules: MetadataPolicy;
  /** A software statement sent with the update, verified (signature, issuer, software_ids) by the caller. */
  verified?: VerifiedStatement;
  /** Absent when no client_secret was sent or the client has no secret. */
  secret?: SecretCheck;
}

/** Server-wide rules (client-metadata.ts), then the policy's own (RFC 7591 §5 among them). */
export function judgeMetadata(requested: RequestedMetadata, policy: RegistrationPolicy, rules: MetadataPolicy): ClientMetadata {
  // RFC 7591 §3.2.1: unsupported scope values are dropped before the policy's defaults and rules (client-metadata.ts)
  const metadata = withRegistrationDefaults(withPolicyDefaults(withoutUnknownScopes(requested, rules.scopesSupported), policy), rules);
  assertValidClientMetadata(metadata, rules);
  assertJwksUriIsPublic(metadata);
  assertAllowedByPolicy(metadata, policy);
  return metadata;
}

/** A registration policy by name; one removed from the file after clients were bound to it is refused, not guessed. */
export function policyNamed(name: string, policies: RegistrationPolicies): RegistrationPolicy {
  const policy = policies.policies.get(name);
  if (!policy) throw new InvalidClientMetadataError(`registration policy "${name}" no longer exists; ask the operator`);
  return policy;
}

/** docs/registration-policies.md (Binding and lifecycle): the policy that admitted the client judges every update, so an update cannot widen it. */
export function admittingPolicy(client: Client, policies: RegistrationPolicies): RegistrationPolicy {
  return policyNamed(client.registrationPolicy ?? DEFAULT_POLICY_NAME, policies);
}

/** RFC 7591 §3.2.1: whether the client is issued a client_secret — only the client_secret_* methods use one (not none, not private_key_jwt). */
export function isConfidential(metadata: ClientMetadata): boolean {
  return metadata.token_endpoint_auth_method === 'client_secret_basic' || metadata.token_endpoint_auth_method === 'client_secret_post';
}

// RFC 7592 §2: a client without permission for the operation gets 403 (the operator's clients:lock)
export function assertSelfService(selfService: SelfService, operation: 'read' | 'update' | 'delete'): void {
  if (selfService === 'full') return;
  if (selfService === 'read-only' && operation === 'read') return;
  throw new InsufficientScopeError(
    selfService === 'none'
      ? 'self-service for this client has been disabled by the operator'
      : `this client may only read its registration; ${operation} has been disabled by the operator`,
  );
}

/**
 * The checks of an update request that need neither its metadata nor I/O; run first so a refused
 * request costs no statement verification and no hashing.
 */
export function assertUpdateRequest(current: Client, body: UpdateClientDto): void {
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
}

/**
 * RFC 7592 §2.2 Client Update Request: the change to store, or the OAuthError that refuses it.
 * Deterministic: the same input gives the same change, so it can be decided again on the locked row.
 */
export function decideUpdate(input: UpdateInput): ClientChange {
  const { current, body, verified, secret } = input;
  assertUpdateRequest(current, body);
  const { client_id: _id, client_secret: presentedSecret, software_statement: statement, ...requested } = body;
  void _id;
  for (const field of SERVER_ASSIGNED_FIELDS) delete (requested as Record<string, unknown>)[field];
  const policy = admittingPolicy(current, input.policies);
  // RFC 7591 §2.3: statement claims take precedence; without a new statement the stored claims still do.
  const claims = verified?.metadata ?? (current.softwareStatementClaims as RequestedMetadata | null | undefined) ?? undefined;
  // RFC 7592 §2.2: omitted fields are treated as null, so registration defaults apply again
  const metadata = judgeMetadata({ ...requested, ...claims }, policy, input.metadataRules);
  const keptStatement = statement ?? (claims ? current.metadata.software_statement : undefined);
  if (keptStatement !== undefined) metadata.software_statement = keptStatement;

  let secretHash = current.secretHash;
  let secretExpiresAt = current.secretExpiresAt;
  if (current.secretHash !== null) {
    // RFC 7592 §2.2: a client_secret sent MUST match the issued one; we require it of a confidential client
    if (typeof presentedSecret !== 'string') {
      throw new InvalidRequestError('client_secret: required for a confidential client (RFC 7592 §2.2)');
    }
    // Compared with another hash (the operator replaced the secret after the request was read): not the issued one.
    if (!secret || secret.against !== current.secretHash || !secret.matches) {
      throw new InvalidRequestError('client_secret: does not match the issued client secret (RFC 7592 §2.2)');
    }
  }
  if (isConfidential(metadata) && secretHash === null) {
    // RFC 7592 §2.2: the client MUST NOT choose its secret, and a new one would exist only in this
    // response (lost with it, the client could neither retry nor authenticate): a new registration instead.
    throw new InvalidClientMetadataError('token_endpoint_auth_method: a public client cannot become confidential; register a new client');
  } else if (!isConfidential(metadata)) {
    secretHash = null;
    secretExpiresAt = null;
  }
  return {
    metadata,
    secretHash,
    secretExpiresAt,
    ...(verified ? { softwareStatementClaims: verified.metadata as Client['softwareStatementClaims'] } : {}),
  };
}
