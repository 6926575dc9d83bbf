import { Global, Module } from '@nestjs/common';
import { ClientLookupService } from './clients/client-lookup.service';
import { ClientsModule } from './clients/clients.module';
import { LoginClientNames } from './login/login-client-names';

/** Composition: gives the login page the app's name from the clients module, keeping login free of feature modules. */
@Global()
@Module({
  imports: [ClientsModule],
  providers: [
    {
      provide: LoginClientNames,
      inject: [ClientLookupService],
      useFactory: (lookup: ClientLookupService): LoginClientNames => ({
        async describe(clientId) {
          const client = await lookup.find(clientId);
          return client ? { name: client.metadata.client_name ?? client.clientId, trusted: client.trusted } : null;
        },
      }),
    },
  ],
  exports: [LoginClientNames],
})
export class LoginClientNamesModule {}
