import { Controller, Get, Header } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { JwksResponseDto } from '../dto/token.dto';
import { SigningKeysService } from './signing-keys.service';

/** RFC 8414 §2 jwks_uri: the public keys that verify our access and ID tokens, retired ones included. */
@ApiTags('Discovery')
@Controller('jwks.json')
export class JwksController {
  constructor(private readonly keys: SigningKeysService) {}

  @Get()
  // Short caching: relying parties see a rotated key within minutes.
  @Header('Cache-Control', 'public, max-age=300')
  @Header('Content-Type', 'application/jwk-set+json')
  @ApiOperation({ summary: 'RFC 7517 §5 JWK Set of the token signing keys' })
  @ApiOkResponse({ type: JwksResponseDto })
  jwks(): Promise<JwksResponseDto> {
    return this.keys.jwks();
  }
}
