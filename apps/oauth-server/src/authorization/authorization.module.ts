import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { ClientsModule } from '../clients/clients.module';
import { FetchModule } from '../fetch/fetch.module';
import { ConsentModule } from '../consent/consent.module';
import { LoginModule } from '../login/login.module';
import { AccessTokenRecord } from './access-token.entity';
import { AuthorizationCode } from './authorization-code.entity';
import { AuthorizationCleanup } from './authorization.cleanup';
import { AuthorizationController } from './authorization.controller';
import { AuthorizationService } from './authorization.service';
import { ClientAssertionJtisRepository } from './client-assertion-jtis.repository';
import { ClientAssertionVerifier } from './client-assertion.verifier';
import { ClientAuthenticator } from './client-authenticator.service';
import { CodesRepository } from './codes.repository';
import { JwksController } from './keys/jwks.controller';
import { SigningKey } from './keys/signing-key.entity';
import { SigningKeysRepository } from './keys/signing-keys.repository';
import { SigningKeysService } from './keys/signing-keys.service';
import { RefreshToken } from './refresh-token.entity';
import { TokenIssuerService } from './token-issuer.service';
import { TokenController } from './token.controller';
import { TokenService } from './token.service';
import { TokensRepository } from './tokens.repository';
import { UserinfoController } from './userinfo.controller';

/** /authorize, /token, /revoke, /introspect, /userinfo and the JWKS (RFC 6749, 7636, 7009, 7662, 9068; OIDC Core). */
@Module({
  imports: [TypeOrmModule.forFeature([AuthorizationCode, RefreshToken, AccessTokenRecord, SigningKey]), ClientsModule, LoginModule, ConsentModule, FetchModule],
  controllers: [AuthorizationController, TokenController, UserinfoController, JwksController],
  providers: [
    AuthorizationCleanup,
    AuthorizationService,
    TokenService,
    TokenIssuerService,
    ClientAuthenticator,
    ClientAssertionVerifier,
    ClientAssertionJtisRepository,
    CodesRepository,
    TokensRepository,
    SigningKeysService,
    SigningKeysRepository,
  ],
  exports: [SigningKeysService],
})
export class AuthorizationModule {}
