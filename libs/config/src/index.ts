export * from './app-config';
export * from './config.module';
export * from './protected-resources';
export { InvalidConfigurationError } from './environment-variables';
