export * from './app-config';
export * from './config.module';
export { InvalidConfigurationError } from './environment-variables';
