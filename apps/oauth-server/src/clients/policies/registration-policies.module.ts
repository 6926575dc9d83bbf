import { AppConfig } from '@app/config';
import { DynamicModule, Global, Module } from '@nestjs/common';
import { BUILT_IN_POLICIES, loadRegistrationPolicies } from './registration-policy';

export const REGISTRATION_POLICIES = Symbol('REGISTRATION_POLICIES');

/**
 * The registration policies, read and validated in forRoot(): a bad policy file throws
 * InvalidConfigurationError naming the offending key before the application (or its database) starts.
 */
@Global()
@Module({})
export class RegistrationPoliciesModule {
  static forRoot(config: AppConfig): DynamicModule {
    const policies = config.registration.policyFile
      ? loadRegistrationPolicies(config.registration.policyFile, config.oauth.scopesSupported)
      : BUILT_IN_POLICIES;
    return { module: RegistrationPoliciesModule, providers: [{ provide: REGISTRATION_POLICIES, useValue: policies }], exports: [REGISTRATION_POLICIES] };
  }
}
