import { AppConfig } from '@app/config';
import { createLogger, PinoNestLogger } from '@app/logging';
import { NestFactory } from '@nestjs/core';
import { AppModule } from '../app.module';
import { CliIo, COMMANDS, ExitCode, helpText } from './commands';

/** Runs one operator command against the same configuration and database as the server. */
export async function runCli(argv: string[], config: AppConfig, io: CliIo): Promise<ExitCode> {
  const [name, ...args] = argv;
  if (!name || name === 'help' || name === '--help') {
    io.out(helpText());
    return name ? 0 : 2;
  }
  const command = COMMANDS[name];
  if (!command) {
    io.err(`Unknown command: ${name}\n\n${helpText()}`);
    return 2;
  }
  const app = await NestFactory.createApplicationContext(AppModule.forRoot(config), {
    logger: new PinoNestLogger(createLogger(config.logging, 2)),
    abortOnError: false,
  });
  try {
    return await command.run(app, args, io);
  } finally {
    await app.close();
  }
}
