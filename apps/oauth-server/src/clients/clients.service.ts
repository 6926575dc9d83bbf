import { APP_CONFIG, AppConfig } from '@app/config';
import { randomToken } from '@app/crypto';
import { SecretHasher } from '@app/hashing';
import { InsufficientScopeError, InvalidRequestError, InvalidTokenError } from '@app/oauth-errors';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { assertValidClientMetadata, ClientMetadata, MetadataPolicy, withRegistrationDefaults } from './client-metadata';
import { Client, SelfService } from './client.entity';
import { ClientsRepository } from './clients.repository';
import { RegistrationTokensRepository } from './registration-tokens.repository';
import { ClientInformationDto, IssuedSecrets, toClientInformation } from './dto/client-information.dto';
import { RegisterClientDto } from './dto/register-client.dto';
import { SERVER_ASSIGNED_FIELDS, UpdateClientDto } from './dto/update-client.dto';
import { RegistrationToken } from './registration-token.entity';

// Issue 2 §3: ≥ 128 bits for identifiers, 256 bits for secrets and tokens.
const CLIENT_ID_BYTES = 16;
const SECRET_BYTES = 32;

/** Registration rules (RFC 7591) and self-service management rules (RFC 7592). */
@Injectable()
export class ClientsService {
  private readonly logger = new Logger(ClientsService.name);
  private readonly policy: MetadataPolicy;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly clients: ClientsRepository,
    private readonly tokens: RegistrationTokensRepository,
    private readonly hasher: SecretHasher,
  ) {
    this.policy = {
      scopesSupported: config.oauth.scopesSupported,
      maxRedirectUris: config.registration.maxRedirectUris,
      maxContacts: config.registration.maxContacts,
    };
  }

  /** RFC 7591 §3.1–3.2: validate, apply defaults, issue credentials. */
  async register(body: RegisterClientDto): Promise<ClientInformationDto> {
    const metadata = withRegistrationDefaults(body, this.policy);
    assertValidClientMetadata(metadata, this.policy);
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
    };
    if (isConfidential(metadata)) {
      issued.clientSecret = randomToken(SECRET_BYTES);
      client.secretHash = await this.hasher.hash(issued.clientSecret);
      client.secretExpiresAt = this.secretExpiry(now);
    }
    const { token, value } = await this.newRegistrationToken(client.clientId, now);
    issued.registrationAccessToken = value;
    // RFC 7591 §3.2.1: the response is sent only after the client and its token are committed.
    await this.clients.create(client, token);
    this.logger.log({ client_id: client.clientId, grant_types: metadata.grant_types }, 'client registered');
    return toClientInformation(client, issued, this.config);
  }

  /** RFC 7592 §2.1 Client Read Request; rotates the token when REGISTRATION_TOKEN_ROTATION=on-every-use. */
  async read(client: Client): Promise<ClientInformationDto> {
    assertSelfService(client.selfService, 'read');
    const issued: IssuedSecrets = {};
    if (this.config.registration.tokenRotation === 'on-every-use') {
      const { token, value } = await this.newRegistrationToken(client.clientId, new Date());
      await this.tokens.rotate(token, this.config.registration.tokenGraceSeconds);
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
    const { client_id: _id, client_secret: presentedSecret, ...requested } = body;
    void _id;
    for (const field of SERVER_ASSIGNED_FIELDS) delete (requested as Record<string, unknown>)[field];
    // RFC 7592 §2.2: omitted fields are treated as null, so registration defaults apply again
    const metadata = withRegistrationDefaults(requested, this.policy);
    assertValidClientMetadata(metadata, this.policy);

    const now = new Date();
    const issued: IssuedSecrets = {};
    const rotation = this.config.registration.tokenRotation;
    const rotated = rotation === 'never' ? undefined : await this.newRegistrationToken(current.clientId, now);
    const updated = await this.clients.update(
      current.clientId,
      async (locked) => {
        assertSelfService(locked.selfService, 'update');
        let secretHash = locked.secretHash;
        let secretExpiresAt = locked.secretExpiresAt;
        if (locked.secretHash !== null) {
          // RFC 7592 §2.2: a client_secret sent MUST match the issued one; it can never be chosen by the client
          if (presentedSecret === undefined) {
            throw new InvalidRequestError('client_secret: required for a confidential client (RFC 7592 §2.2)');
          }
          if (!(await this.hasher.matches(presentedSecret, locked.secretHash))) {
            throw new InvalidRequestError('client_secret: does not match the issued client secret (RFC 7592 §2.2)');
          }
        }
        if (isConfidential(metadata) && secretHash === null) {
          // A public client turning confidential needs a secret: issue one (RFC 7592 §2.2 allows new values).
          issued.clientSecret = randomToken(SECRET_BYTES);
          secretHash = await this.hasher.hash(issued.clientSecret);
          secretExpiresAt = this.secretExpiry(now);
        } else if (!isConfidential(metadata)) {
          secretHash = null;
          secretExpiresAt = null;
        }
        return { metadata, secretHash, secretExpiresAt, newToken: rotated?.token };
      },
      this.config.registration.tokenGraceSeconds,
    );
    // RFC 7592 §2.2: a client that no longer exists gets 401, as in §2.1
    if (!updated) throw new InvalidTokenError('the registration access token is not valid for this client');
    if (rotated) issued.registrationAccessToken = rotated.value;
    this.logger.log({ client_id: current.clientId }, 'client updated');
    return toClientInformation(updated, issued, this.config);
  }

  /** RFC 7592 §2.3 Client Delete Request: the client and every credential of it stop working at once. */
  async delete(client: Client): Promise<void> {
    assertSelfService(client.selfService, 'delete');
    if (!(await this.clients.delete(client.clientId))) {
      throw new InvalidTokenError('the registration access token is not valid for this client');
    }
    this.logger.log({ client_id: client.clientId }, 'client deleted');
  }

  /** Operator action: lock or unlock a client's RFC 7592 self-service. */
  async setSelfService(clientId: string, selfService: SelfService): Promise<boolean> {
    const changed = await this.clients.setSelfService(clientId, selfService);
    if (changed) this.logger.log({ client_id: clientId, self_service: selfService }, 'client self-service changed');
    return changed;
  }

  private async newRegistrationToken(clientId: string, now: Date): Promise<{ token: RegistrationToken; value: string }> {
    const value = randomToken(SECRET_BYTES);
    const token: RegistrationToken = {
      id: randomUUID(),
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

function isConfidential(metadata: ClientMetadata): boolean {
  return metadata.token_endpoint_auth_method !== 'none';
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
