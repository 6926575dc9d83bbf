import { AppConfig } from '@app/config';
import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { DocumentBuilder, OpenAPIObject, SwaggerModule } from '@nestjs/swagger';
import { addUndecoratedPaths } from './browser-endpoints';

/**
 * The OpenAPI document (/docs-json) and Swagger UI (/docs). Every security scheme an operation names
 * is defined here; bearer schemes of opaque tokens carry no bearerFormat (DocumentBuilder's
 * addBearerAuth would say JWT).
 */
export function buildOpenApiDocument(app: NestFastifyApplication, config: AppConfig): OpenAPIObject {
  const builder = new DocumentBuilder()
    .setTitle('Tessera')
    .setDescription(
      'OAuth 2.0 authorization server: dynamic client registration (RFC 7591) and management (RFC 7592), the authorization-code ' +
        'flow with PKCE (RFC 6749, RFC 7636), tokens, revocation (RFC 7009), introspection (RFC 7662) and OpenID Connect userinfo.\n\n' +
        '**Try it out**: POST /register with one of the examples (a web app, a native app, a backend service); copy ' +
        '`registration_access_token` from the response into **Authorize → registration-access-token**, and `client_id` into the ' +
        'path of GET/PUT/DELETE /register/{clientId}. For /token, /revoke and /introspect put client_id and client_secret into ' +
        '**client-basic**; for /userinfo an access token into **access-token**.\n\n' +
        'Errors are JSON objects `{ error, error_description }` (RFC 6749 §5.2, RFC 7591 §3.2.2); each status lists the bodies it sends.',
    )
    .setVersion('0.1.0')
    .addServer(config.issuer)
    .addSecurity('initial-access-token', {
      type: 'http',
      scheme: 'bearer',
      description: 'RFC 7591 §3 initial access token (opaque; `npm run cli -- iat:mint`). Required only with REGISTRATION_MODE=protected.',
    })
    .addSecurity('registration-access-token', {
      type: 'http',
      scheme: 'bearer',
      description:
        'RFC 7592 §3 registration access token (opaque) from the registration response. Every GET and PUT returns a new one: use the newest; ' +
        'the previous one keeps working for REGISTRATION_TOKEN_GRACE_SECONDS.',
    })
    .addSecurity('client-basic', {
      type: 'http',
      scheme: 'basic',
      description: 'RFC 6749 §2.3.1 client_secret_basic: username = client_id, password = client_secret.',
    })
    .addSecurity('access-token', {
      type: 'http',
      scheme: 'bearer',
      // RFC 9068: access tokens are JWTs (typ at+jwt)
      bearerFormat: 'JWT',
      description: 'RFC 6750 §2.1 access token from POST /token, issued with the openid scope (RFC 9068 JWT).',
    });
  return addUndecoratedPaths(SwaggerModule.createDocument(app, builder.build()));
}

export function setUpSwagger(app: NestFastifyApplication, config: AppConfig): void {
  SwaggerModule.setup('docs', app, buildOpenApiDocument(app, config), {
    jsonDocumentUrl: 'docs-json',
    customSiteTitle: 'Tessera',
    swaggerOptions: {
      // Named examples and the Authorize dialog survive a page reload.
      persistAuthorization: true,
      displayRequestDuration: true,
    },
  });
}
