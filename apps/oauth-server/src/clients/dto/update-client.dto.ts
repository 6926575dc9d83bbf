import { ApiHideProperty, ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Allow, IsOptional, IsString, MaxLength } from 'class-validator';
import { RegisterClientDto } from './register-client.dto';

/** Fields a client may never send in an update (RFC 7592 §2.2). */
export const SERVER_ASSIGNED_FIELDS = [
  'registration_access_token',
  'registration_client_uri',
  'client_secret_expires_at',
  'client_id_issued_at',
] as const;

/**
 * RFC 7592 §2.2 Client Update Request: the complete metadata to replace the registration with.
 * Omitted fields are treated as null, so their registration defaults apply again.
 */
export class UpdateClientDto extends RegisterClientDto {
  // Checked by the service, so a missing or different client_id is invalid_request (RFC 7592 §2.2).
  @ApiProperty({ description: 'MUST equal the client_id in the URL (RFC 7592 §2.2).' })
  @IsOptional() @IsString() @MaxLength(200)
  client_id: string;

  @ApiPropertyOptional({
    description: 'Required for confidential clients; MUST equal the currently issued secret (RFC 7592 §2.2).',
  })
  @IsOptional() @IsString() @MaxLength(200)
  client_secret?: string;

  // Kept by the whitelist only so the service can refuse them by name (RFC 7592 §2.2).
  @ApiHideProperty() @Allow() registration_access_token?: unknown;
  @ApiHideProperty() @Allow() registration_client_uri?: unknown;
  @ApiHideProperty() @Allow() client_secret_expires_at?: unknown;
  @ApiHideProperty() @Allow() client_id_issued_at?: unknown;
}
