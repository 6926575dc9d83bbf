import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { ClientsModule } from '../clients/clients.module';
import { LoginModule } from '../login/login.module';
import { ConsentGrant } from './consent-grant.entity';
import { ConsentController } from './consent.controller';
import { CONSENT_STORE } from './consent-store';
import { ConsentRepository } from './consent.repository';
import { ConsentService } from './consent.service';

/**
 * Stored consent grants and the account page that lists and revokes them. Depends on login (the
 * session) and clients (names for the account page); the consent page itself is rendered by
 * /authorize from consent/views/consent.eta.
 */
@Module({
  imports: [TypeOrmModule.forFeature([ConsentGrant]), LoginModule, ClientsModule],
  controllers: [ConsentController],
  providers: [ConsentService, ConsentRepository, { provide: CONSENT_STORE, useExisting: ConsentRepository }],
  exports: [ConsentService],
})
export class ConsentModule {}
