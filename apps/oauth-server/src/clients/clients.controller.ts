import { InvalidClientMetadataError, RequireJsonGuard } from '@app/oauth-errors';
import { Body, Controller, Delete, Get, Header, HttpCode, Post, Put, Req, UseGuards } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiBody,
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiParam,
  ApiSecurity,
  ApiTags,
} from '@nestjs/swagger';
import { RouteConfig } from '@nestjs/platform-fastify';
import { JsonBodyRouteConfig } from '../json-body';
import { ClientsService } from './clients.service';
import { ClientInformationDto } from './dto/client-information.dto';
import { RegisterClientDto } from './dto/register-client.dto';
import { UpdateClientDto } from './dto/update-client.dto';
import { ApiRegistrationErrorResponses } from './dto/registration-errors.decorator';
import { REGISTRATION_EXAMPLES, UPDATE_EXAMPLES } from './dto/registration-examples';
import { InitialAccessTokenGuard, RegistrationRequest } from './guards/initial-access-token.guard';
import { ClientManagementRequest, RegistrationTokenGuard } from './guards/registration-token.guard';

// RFC 7591 §3.2.2 / RFC 7592 §2.2: a body refused by the JSON parser (too deep, ill-formed Unicode) is invalid_client_metadata.
const METADATA_BODY: JsonBodyRouteConfig = { jsonBodyError: InvalidClientMetadataError };

@ApiTags('Dynamic client registration')
@Controller('register')
export class ClientsController {
  constructor(private readonly clients: ClientsService) {}

  @Post()
  @HttpCode(201)
  @UseGuards(InitialAccessTokenGuard, RequireJsonGuard)
  @RouteConfig(METADATA_BODY)
  // RFC 7591 §3.2.1: the response carries secrets, so it is never cached
  @Header('Cache-Control', 'no-store')
  @Header('Pragma', 'no-cache')
  @ApiOperation({
    summary: 'RFC 7591 §3.1 Client Registration Request',
    description:
      'Registers a client under a registration policy: the initial access token’s (RFC 7591 §3), or the open-registration policy without one. ' +
      'With REGISTRATION_MODE=protected a token is required. A daily quota of the policy answers 403.',
  })
  // RFC 7591 §3: the initial access token is optional unless REGISTRATION_MODE=protected
  @ApiSecurity({})
  @ApiBearerAuth('initial-access-token')
  @ApiBody({ type: RegisterClientDto, examples: REGISTRATION_EXAMPLES })
  @ApiCreatedResponse({ description: 'RFC 7591 §3.2.1 Client Information Response', type: ClientInformationDto })
  @ApiRegistrationErrorResponses('register')
  register(@Req() request: RegistrationRequest, @Body() body: RegisterClientDto): Promise<ClientInformationDto> {
    return this.clients.register(body, { initialAccessToken: request.initialAccessToken, sourceAddress: request.ip ?? null });
  }

  @Get(':clientId')
  @UseGuards(RegistrationTokenGuard)
  @Header('Cache-Control', 'no-store')
  @Header('Pragma', 'no-cache')
  @ApiOperation({ summary: 'RFC 7592 §2.1 Client Read Request' })
  @ApiBearerAuth('registration-access-token')
  @ApiParam({ name: 'clientId', description: 'The client_id from registration' })
  @ApiOkResponse({ description: 'RFC 7592 §3 Client Information Response (no client_secret)', type: ClientInformationDto })
  @ApiRegistrationErrorResponses('read')
  read(@Req() request: ClientManagementRequest): Promise<ClientInformationDto> {
    return this.clients.read(request.registeredClient!);
  }

  @Put(':clientId')
  @UseGuards(RegistrationTokenGuard, RequireJsonGuard)
  @RouteConfig(METADATA_BODY)
  @Header('Cache-Control', 'no-store')
  @Header('Pragma', 'no-cache')
  @ApiOperation({
    summary: 'RFC 7592 §2.2 Client Update Request',
    description: 'Replaces the whole registration: omitted fields return to their defaults.',
  })
  @ApiBearerAuth('registration-access-token')
  @ApiParam({ name: 'clientId', description: 'The client_id from registration' })
  @ApiBody({ type: UpdateClientDto, examples: UPDATE_EXAMPLES })
  @ApiOkResponse({ description: 'RFC 7592 §3 Client Information Response', type: ClientInformationDto })
  @ApiRegistrationErrorResponses('update')
  update(@Req() request: ClientManagementRequest, @Body() body: UpdateClientDto): Promise<ClientInformationDto> {
    return this.clients.update(request.registeredClient!, body);
  }

  @Delete(':clientId')
  @HttpCode(204)
  @UseGuards(RegistrationTokenGuard)
  @ApiOperation({ summary: 'RFC 7592 §2.3 Client Delete Request' })
  @ApiBearerAuth('registration-access-token')
  @ApiParam({ name: 'clientId', description: 'The client_id from registration' })
  @ApiNoContentResponse({ description: 'Deleted; the client_id, secret and registration access token stop working' })
  @ApiRegistrationErrorResponses('delete')
  async delete(@Req() request: ClientManagementRequest): Promise<void> {
    await this.clients.delete(request.registeredClient!);
  }
}
