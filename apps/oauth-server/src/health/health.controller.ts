import { Controller, Get, Header, Res, ServiceUnavailableException } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { HealthCheckResult, HealthCheckService, TypeOrmHealthIndicator } from '@nestjs/terminus';
import type { FastifyReply } from 'fastify';
import { ShutdownState } from './shutdown-state';

/** How long readiness waits for `SELECT 1` before calling the database down. */
const DATABASE_PING_TIMEOUT_MS = 1500;

/**
 * Liveness (the process answers) and readiness (it can serve: the database answers and it is not
 * shutting down). A load balancer routes on /health/ready; an orchestrator restarts on /health/live.
 */
@ApiTags('Operations')
@Controller('health')
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly database: TypeOrmHealthIndicator,
    private readonly shutdown: ShutdownState,
  ) {}

  @Get('live')
  @Header('Cache-Control', 'no-store')
  @ApiOperation({ summary: 'Liveness: 200 while the process runs; it never checks dependencies' })
  live(): Promise<HealthCheckResult> {
    return this.health.check([]);
  }

  @Get('ready')
  @Header('Cache-Control', 'no-store')
  @ApiOperation({ summary: 'Readiness: 200 when the database answers, 503 while it does not or during shutdown' })
  async ready(@Res({ passthrough: true }) reply: FastifyReply): Promise<unknown> {
    if (this.shutdown.isShuttingDown) {
      reply.status(503);
      return { status: 'shutting_down' };
    }
    try {
      return await this.health.check([() => this.database.pingCheck('database', { timeout: DATABASE_PING_TIMEOUT_MS })]);
    } catch (error) {
      // Terminus reports "not ready" as an exception; answer its report with 503 ourselves, since the
      // OAuth error filter would (rightly) turn any other 5xx exception into server_error.
      if (!(error instanceof ServiceUnavailableException)) throw error;
      reply.status(503);
      return error.getResponse();
    }
  }
}
