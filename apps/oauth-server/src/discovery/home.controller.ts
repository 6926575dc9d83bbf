import type {} from '@fastify/view';
import { APP_CONFIG, AppConfig, issuerUrl } from '@app/config';
import { Controller, Get, Inject, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';

/**
 * GET / — a landing page for whoever opens the server's address: what it is and where to go
 * (Swagger UI, discovery, health, the account page). HTML for people, so not in the OpenAPI document.
 */
@ApiExcludeController()
@Controller()
export class HomeController {
  private readonly model: { issuer: string; links: Record<string, string> };

  constructor(@Inject(APP_CONFIG) config: AppConfig) {
    // Under ISSUER, like discovery's URLs, so the links work behind a proxy that adds a path prefix.
    const paths = ['/docs', '/docs-json', '/.well-known/oauth-authorization-server', '/.well-known/openid-configuration', '/jwks.json', '/health/ready', '/health/live', '/account'];
    this.model = { issuer: config.issuer, links: Object.fromEntries(paths.map((path) => [path, issuerUrl(config, path)])) };
  }

  @Get()
  page(@Res() reply: FastifyReply): unknown {
    return reply.code(200).header('Cache-Control', 'no-cache').view('discovery/views/home.eta', this.model);
  }
}
