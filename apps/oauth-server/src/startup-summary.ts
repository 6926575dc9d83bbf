import { AppConfig, issuerUrl } from '@app/config';
import { DEMO_PASSWORD, DEMO_USERNAME } from './login/demo-user.seeder';

/** What a person starting the server needs to know and do next; the warnings that concern them now. */
export function startupWarnings(config: AppConfig): string[] {
  const warnings: string[] = [];
  if (!config.tokenHashKey) warnings.push('TOKEN_HASH_KEY is not set: a key generated and stored in the database protects secrets at rest; set one for production (docs/configuration.md).');
  if (!config.authorization.keyEncryptionKey) warnings.push('OAUTH_KEY_ENCRYPTION_KEY is not set: token signing keys are stored unencrypted in the database.');
  if (config.login.demoUser) warnings.push(`LOGIN_DEMO_USER is on: anyone can sign in as "${DEMO_USERNAME}" with the documented password; for local use only.`);
  if (config.issuer.startsWith('http://') && !/^http:\/\/(localhost|127\.0\.0\.1|\[::1\])(:|\/|$)/.test(config.issuer)) {
    warnings.push(`ISSUER ${config.issuer} is plain http on a network address: use https (RFC 8414 §2).`);
  }
  return warnings;
}

export function startupSummary(config: AppConfig, hasUsers: boolean): string {
  const database = config.database.kind === 'postgres' ? 'PostgreSQL (DATABASE_URL)' : `embedded PGlite in ${config.database.dataDir}`;
  const signIn = config.login.demoUser
    ? `sign in as ${DEMO_USERNAME} / ${DEMO_PASSWORD} (LOGIN_DEMO_USER=true)`
    : hasUsers
      ? 'npm run cli -- users:list; add one with: printf %s "$PASSWORD" | npm run cli -- users:create <name>'
      : 'no users yet: printf %s "$PASSWORD" | npm run cli -- users:create alice   (or LOGIN_DEMO_USER=true for a local demo user)';
  const lines = [
    '',
    `  Tessera is running at ${config.issuer}  (listening on ${config.http.host}:${config.http.port})`,
    '',
    `  API docs (Swagger)   ${issuerUrl(config, '/docs')}`,
    `  Discovery            ${issuerUrl(config, '/.well-known/oauth-authorization-server')}`,
    `  Health               ${issuerUrl(config, '/health/ready')}`,
    `  Database             ${database}`,
    `  Users                ${signIn}`,
    `  Operator commands    npm run cli -- help   (works while the server runs)`,
    `  Stop                 Ctrl-C`,
  ];
  const warnings = startupWarnings(config);
  if (warnings.length > 0) lines.push('', '  Warnings:', ...warnings.map((w) => `  - ${w}`));
  return `${lines.join('\n')}\n\n`;
}
