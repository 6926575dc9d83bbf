import { SecretHasher } from '@app/hashing';
import { Inject, Injectable } from '@nestjs/common';
import type { Client } from './client.entity';
import type { ClientMetadata } from './client-metadata';
import { CLIENT_STORE, ClientStore } from './client-stores';
import { REGISTRATION_POLICIES } from './policies/registration-policies.module';
import type { RegistrationPolicies } from './policies/registration-policy';

/** What other modules see of a client: its id, whether it has a secret, and its registered metadata. */
export interface RegisteredClient {
  clientId: string;
  confidential: boolean;
  metadata: ClientMetadata;
  /**
   * RFC 9700 §4.11.2: the operator vouches for its redirect URIs — admitted by an initial access
   * token or a software statement under a policy marked `trusted` (docs/registration-policies.md).
   */
  trusted: boolean;
  /** RFC 7662 §4: may introspect tokens issued to other clients (`clients:allow-introspection`). */
  introspectionAllowed?: boolean;
}

/** What other modules may ask of the clients module: find a client, authenticate a client. */
@Injectable()
export class ClientLookupService {
  constructor(
    @Inject(CLIENT_STORE) private readonly clients: Pick<ClientStore, 'findById' | 'markUsed'>,
    @Inject(SecretHasher) private readonly hasher: Pick<SecretHasher, 'matches'>,
    @Inject(REGISTRATION_POLICIES) private readonly policies: RegistrationPolicies,
  ) {}

  /** Reads a client; never a use (the account and login pages show clients without using them). */
  async find(clientId: string): Promise<RegisteredClient | null> {
    const client = await this.clients.findById(clientId);
    return client ? toRegisteredClient(client, this.policies) : null;
  }

  /**
   * docs/operations.md §6: an authorization or token request is a use; never-used registrations get
   * swept. Callers mark the client of such a request, and only those.
   */
  async markUsed(clientId: string): Promise<void> {
    await this.clients.markUsed(clientId);
  }

  /**
   * RFC 6749 §2.3.1: the client secret, compared in constant time with the stored HMAC. An unknown
   * client, a public client, a wrong secret and an expired secret (RFC 7591 §3.2.1
   * client_secret_expires_at) all answer null: the caller cannot tell them apart.
   */
  async authenticate(clientId: string, secret: string): Promise<RegisteredClient | null> {
    const client = await this.clients.findById(clientId);
    // Unknown and public clients still pay for one hash, so timing does not tell them apart.
    const matches = await this.hasher.matches(secret, client?.secretHash ?? '');
    if (!client || client.secretHash === null) return null;
    if (!matches) {
      // docs/configuration.md CLIENT_SECRET_ROTATION_GRACE_SECONDS: after an operator rotation the previous secret works until its grace period ends.
      const graceEnds = client.previousSecretExpiresAt?.getTime() ?? 0;
      if (!client.previousSecretHash || graceEnds <= Date.now() || !(await this.hasher.matches(secret, client.previousSecretHash))) return null;
    }
    if (client.secretExpiresAt !== null && client.secretExpiresAt.getTime() <= Date.now()) return null;
    await this.clients.markUsed(client.clientId);
    return toRegisteredClient(client, this.policies);
  }
}

function toRegisteredClient(client: Client, policies: RegistrationPolicies): RegisteredClient {
  return {
    clientId: client.clientId,
    // RFC 7523 §2.2: a private_key_jwt client authenticates with its key, so it is confidential without a secret
    confidential: client.secretHash !== null || client.metadata.token_endpoint_auth_method === 'private_key_jwt',
    metadata: client.metadata,
    introspectionAllowed: client.introspectionAllowed === true,
    trusted: isTrusted(client, policies),
  };
}

// RFC 9700 §4.11.2: an anonymous registration is never trusted, whatever its policy (or a policy
// later given its name) says; the policy is read at use, so removing `trusted` takes effect at once.
function isTrusted(client: Client, policies: RegistrationPolicies): boolean {
  if (client.admittedBy === undefined || client.admittedBy === 'anonymous') return false;
  return policies.policies.get(client.registrationPolicy ?? '')?.trusted === true;
}
