import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { issuerUrl } from '@app/config';
import type { Client } from '../client.entity';
import { RegisterClientDto } from '../dto/register-client.dto';

/** RFC 7591 §3.2.1 Client Information Response (and RFC 7592 §3 Client Read/Update Response). */
export class ClientInformationDto extends RegisterClientDto {
  @ApiProperty({ description: 'The issued client identifier.', example: 'Zk1m0Xq3T9aC2b7dLr8w4Q' })
  client_id: string;

  @ApiPropertyOptional({
    description:
      'Only in the registration response: it is stored as a hash and cannot be read back. An update never issues one (a public client cannot become confidential: register a new client).',
  })
  client_secret?: string;

  @ApiProperty({ description: 'When client_id was issued, seconds since the epoch.', example: 1764201600 })
  client_id_issued_at: number;

  @ApiPropertyOptional({ description: 'When client_secret expires, seconds since the epoch; 0 = never. Present whenever the client has a secret.', example: 0 })
  client_secret_expires_at?: number;

  @ApiPropertyOptional({
    description: 'Bearer token for /register/{client_id} (RFC 7592). Returned at registration and whenever it is rotated.',
  })
  registration_access_token?: string;

  @ApiProperty({ description: 'Where the client reads, updates and deletes its registration (RFC 7592).' })
  registration_client_uri: string;
}

export interface IssuedSecrets {
  clientSecret?: string;
  registrationAccessToken?: string;
}

/** The one mapping from a stored client to the wire; the stored secret hash never leaves. */
export function toClientInformation(
  client: Client,
  issued: IssuedSecrets,
  config: { issuer: string },
): ClientInformationDto {
  const info: Record<string, unknown> = { client_id: client.clientId };
  if (issued.clientSecret !== undefined) info.client_secret = issued.clientSecret;
  info.client_id_issued_at = epochSeconds(client.issuedAt);
  // RFC 7591 §3.2.1: client_secret_expires_at is REQUIRED if client_secret is issued (0 = never)
  if (client.secretHash !== null) info.client_secret_expires_at = client.secretExpiresAt ? epochSeconds(client.secretExpiresAt) : 0;
  if (issued.registrationAccessToken !== undefined) info.registration_access_token = issued.registrationAccessToken;
  info.registration_client_uri = issuerUrl(config, `/register/${encodeURIComponent(client.clientId)}`);
  return Object.assign(info, client.metadata) as unknown as ClientInformationDto;
}

function epochSeconds(date: Date): number {
  return Math.floor(date.getTime() / 1000);
}
