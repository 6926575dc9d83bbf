import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { Client } from './client.entity';
import { ClientsController } from './clients.controller';
import { ClientsRepository } from './clients.repository';
import { RegistrationTokensRepository } from './registration-tokens.repository';
import { ClientsService } from './clients.service';
import { InitialAccessTokenGuard } from './guards/initial-access-token.guard';
import { RegistrationTokenGuard } from './guards/registration-token.guard';
import { RegistrationToken } from './registration-token.entity';

@Module({
  imports: [TypeOrmModule.forFeature([Client, RegistrationToken])],
  controllers: [ClientsController],
  providers: [ClientsService, ClientsRepository, RegistrationTokensRepository, RegistrationTokenGuard, InitialAccessTokenGuard],
  exports: [ClientsService],
})
export class ClientsModule {}
