import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { Client } from './client.entity';
import { ClientLookupService } from './client-lookup.service';
import { ClientsController } from './clients.controller';
import { CLIENT_ADMINISTRATION_STORE, CLIENT_STORE, REGISTRATION_TOKEN_STORE } from './client-stores';
import { ClientsRepository } from './clients.repository';
import { RegistrationTokensRepository } from './registration-tokens.repository';
import { ClientsService } from './clients.service';
import { InitialAccessTokenGuard } from './guards/initial-access-token.guard';
import { RegistrationTokenGuard } from './guards/registration-token.guard';
import { RegistrationToken } from './registration-token.entity';
import { RegistrationTokensCleanup } from './registration-tokens.cleanup';
import { UnusedClientsCleanup } from './unused-clients.cleanup';
import { InitialAccessToken } from './initial-access-token.entity';
import { InitialAccessTokensRepository } from './initial-access-tokens.repository';
import { InitialAccessTokensService } from './initial-access-tokens.service';
import { SoftwareStatementVerifier } from './software-statement.verifier';

@Module({
  imports: [TypeOrmModule.forFeature([Client, RegistrationToken, InitialAccessToken])],
  controllers: [ClientsController],
  providers: [RegistrationTokensCleanup, UnusedClientsCleanup, ClientLookupService, ClientsService, ClientsRepository, RegistrationTokensRepository, RegistrationTokenGuard, InitialAccessTokenGuard,
    InitialAccessTokensRepository, InitialAccessTokensService, SoftwareStatementVerifier,
    // The services' store interfaces (client-stores.ts), bound to the TypeORM repositories.
    { provide: CLIENT_STORE, useExisting: ClientsRepository },
    { provide: CLIENT_ADMINISTRATION_STORE, useExisting: ClientsRepository },
    { provide: REGISTRATION_TOKEN_STORE, useExisting: RegistrationTokensRepository }],
  exports: [ClientsService, ClientLookupService, InitialAccessTokensService],
})
export class ClientsModule {}
