import { getMetadataStorage } from 'class-validator';
import { EnvironmentVariables, InvalidConfigurationError, SECRET_VARIABLES } from './environment-variables';
import { issuerUrl, loadConfig } from './app-config';

describe('configuration', () => {
  it('has local-safe defaults: port 3000, loopback host, embedded database, open registration', () => {
    const config = loadConfig({});
    expect(config.http).toEqual({
      port: 3000,
      host: '127.0.0.1',
      bodyLimitBytes: 65536,
      headersTimeoutSeconds: 10,
      requestTimeoutSeconds: 30,
      idleTimeoutSeconds: 60,
      keepAliveTimeoutSeconds: 72,
      maxConnections: 4096,
      maxConnectionsPerAddress: 256,
    });
    expect(config.issuer).toBe('http://localhost:3000');
    expect(config.database).toEqual({ kind: 'pglite', dataDir: './data/pglite', migrationsRun: true });
    expect(config.registration).toMatchObject({ mode: 'open', tokenRotation: 'on-every-use', tokenGraceSeconds: 300, clientSecretTtlSeconds: 0 });
    expect(Object.isFrozen(config.registration)).toBe(true);
  });

  it('ISSUER defaults to http://localhost:$PORT', () => {
    expect(loadConfig({ PORT: '8080' }).issuer).toBe('http://localhost:8080');
  });

  it('DATABASE_URL selects PostgreSQL', () => {
    expect(loadConfig({ DATABASE_URL: 'postgres://u@db:5432/x', DATABASE_MIGRATIONS_RUN: 'false' }).database).toEqual({
      kind: 'postgres',
      url: 'postgres://u@db:5432/x',
      poolSize: 10,
      migrationsRun: false,
      preparedStatements: true,
    });
    expect(loadConfig({ DATABASE_URL: 'postgres://u@db:5432/x', DATABASE_PREPARED_STATEMENTS: 'false' }).database).toMatchObject({
      preparedStatements: false,
    });
  });

  it('an invalid value stops start-up with a message naming every bad variable', () => {
    const load = () => loadConfig({ PORT: 'abc', REGISTRATION_TOKEN_ROTATION: 'sometimes', ISSUER: 'https://x.example/?a=1' });
    expect(load).toThrow(InvalidConfigurationError);
    expect(load).toThrow(/PORT="abc"/);
    expect(load).toThrow(/REGISTRATION_TOKEN_ROTATION="sometimes"/);
    expect(load).toThrow(/ISSUER=/);
  });

  it('connection settings: no per-address cap behind a proxy unless set; a headers timeout above the request timeout fails', () => {
    expect(loadConfig({ HTTP_TRUST_PROXY: '10.0.0.0/8' }).http.maxConnectionsPerAddress).toBe(0);
    expect(loadConfig({ HTTP_TRUST_PROXY: '10.0.0.0/8', HTTP_MAX_CONNECTIONS_PER_ADDRESS: '50' }).http.maxConnectionsPerAddress).toBe(50);
    expect(() => loadConfig({ HTTP_HEADERS_TIMEOUT_SECONDS: '40' })).toThrow(/HTTP_HEADERS_TIMEOUT_SECONDS=40: must not exceed HTTP_REQUEST_TIMEOUT_SECONDS \(30\)/);
    expect(() => loadConfig({ HTTP_REQUEST_TIMEOUT_SECONDS: '301' })).toThrow(/HTTP_REQUEST_TIMEOUT_SECONDS/);
  });

  describe('secret settings are never repeated in a start-up error', () => {
    const names = [
      ...new Set(getMetadataStorage().getTargetValidationMetadatas(EnvironmentVariables, '', true, false).map((rule) => rule.propertyName)),
    ];
    // Named like secrets but public: the rate limit of /token (300/60), the logo shown on every page.
    const notSecret = new Set(['RATE_LIMIT_TOKEN', 'BRANDING_LOGO_URL']);
    const secretLooking = names.filter((name) => /(^|_)(KEY|TOKEN|SECRET|PASSWORD|URL)$/.test(name) && !notSecret.has(name));

    it('every variable named like a secret is on the secret list', () => {
      expect(secretLooking).toEqual(expect.arrayContaining(['DATABASE_URL', 'TOKEN_HASH_KEY', 'OAUTH_KEY_ENCRYPTION_KEY']));
      expect(secretLooking.filter((name) => !SECRET_VARIABLES.has(name))).toEqual([]);
    });

    it.each([...SECRET_VARIABLES])('%s: an invalid value is named but its value is hidden', (name) => {
      expect(names).toContain(name); // the list names real settings
      const value = 'SECRET-VALUE-7f3a too short';
      let message = '';
      try {
        loadConfig({ [name]: value });
      } catch (error) {
        message = (error as Error).message;
      }
      expect(message).toContain(`${name}=(value hidden)`);
      expect(message).not.toContain('SECRET-VALUE');
    });
  });

  it('protected registration no longer needs a static token: operators mint initial access tokens (iat:mint)', () => {
    expect(loadConfig({ REGISTRATION_MODE: 'protected' }).registration.initialAccessToken).toBeUndefined();
  });

  it('CORS_ALLOWED_ORIGINS is "*" or a space-separated list of origins; anything else fails', () => {
    expect(loadConfig({ CORS_ALLOWED_ORIGINS: 'https://a.example http://localhost:5173' }).cors.allowedOrigins).toEqual([
      'https://a.example',
      'http://localhost:5173',
    ]);
    expect(() => loadConfig({ CORS_ALLOWED_ORIGINS: 'https://a.example/path' })).toThrow(/CORS_ALLOWED_ORIGINS/);
    // Fetch standard §3.2.5: "*" alone means any origin (never with credentials); not inside a list
    expect(loadConfig({ CORS_ALLOWED_ORIGINS: '*' }).cors.allowedOrigins).toEqual(['*']);
    expect(() => loadConfig({ CORS_ALLOWED_ORIGINS: '* https://a.example' })).toThrow(/CORS_ALLOWED_ORIGINS/);
    expect(() => loadConfig({ CORS_ALLOWED_ORIGINS: 'https://*.example' })).toThrow(/CORS_ALLOWED_ORIGINS/);
  });

  it('issuerUrl joins paths without doubling the slash', () => {
    expect(issuerUrl({ issuer: 'https://id.example.com/' }, '/register')).toBe('https://id.example.com/register');
    expect(issuerUrl({ issuer: 'https://id.example.com/tenant' }, '/register')).toBe('https://id.example.com/tenant/register');
  });
});
