import { AppConfig, AppConfigModule } from '@app/config';
import { dataSourceOptions } from '@app/database';
import { HashingModule } from '@app/hashing';
import { DynamicModule, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { ClientsModule } from './clients/clients.module';
import { DiscoveryModule } from './discovery/discovery.module';

/** Composition only: configuration, database, infrastructure, then the feature modules. */
@Module({})
export class AppModule {
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [
        AppConfigModule.forRoot(config),
        TypeOrmModule.forRoot({ ...dataSourceOptions(config), autoLoadEntities: true }),
        HashingModule,
        ClientsModule,
        DiscoveryModule,
      ],
    };
  }
}
