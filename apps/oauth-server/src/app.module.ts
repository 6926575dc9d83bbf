import { AppConfig, AppConfigModule } from '@app/config';
import { dataSourceOptions, runMigrationsExclusively } from '@app/database';
import { HashingModule } from '@app/hashing';
import { WorkerPoolModule } from '@app/worker-pool';
import { DynamicModule, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { AuditModule } from './audit/audit.module';
import { ClientsModule } from './clients/clients.module';
import { RegistrationPoliciesModule } from './clients/policies/registration-policies.module';
import { DiscoveryModule } from './discovery/discovery.module';
import { HealthModule } from './health/health.module';
import { MaintenanceModule } from './maintenance/maintenance.module';
import { MetricsModule } from './metrics/metrics.module';
import { LoginModule } from './login/login.module';
import { ConsentModule } from './consent/consent.module';
import { AuthorizationModule } from './authorization/authorization.module';
import { LoginClientNamesModule } from './login-client-names.module';

/** Composition only: configuration, database, infrastructure, then the feature modules. */
@Module({})
export class AppModule {
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [
        AppConfigModule.forRoot(config),
        TypeOrmModule.forRootAsync({
          useFactory: () => ({ ...dataSourceOptions(config), migrationsRun: false, autoLoadEntities: true }),
          // Migrations under an advisory lock, so instances starting together do not race (docs/operations.md §10).
          dataSourceFactory: async (options) => {
            const dataSource = await new DataSource(options!).initialize();
            try {
              if (config.database.migrationsRun) await runMigrationsExclusively(dataSource, config.database.kind);
            } catch (error) {
              await dataSource.destroy();
              throw error;
            }
            return dataSource;
          },
        }),
        HashingModule,
        WorkerPoolModule,
        MetricsModule,
        HealthModule,
        MaintenanceModule,
        AuditModule,
        // Validated here, before anything starts: a bad REGISTRATION_POLICY_FILE stops start-up.
        RegistrationPoliciesModule.forRoot(config),
        ClientsModule,
        DiscoveryModule,
        LoginModule,
        ConsentModule,
        AuthorizationModule,
        LoginClientNamesModule,
      ],
    };
  }
}
