import 'reflect-metadata';
import { InvalidConfigurationError, loadConfig } from '@app/config';
import { runCli } from './cli/run-cli';
import { readSecret } from './cli/read-secret';

async function main(): Promise<void> {
  try {
    // Operator output goes to stdout; the server's own log lines only from warn up, on stderr.
    const config = loadConfig({ LOG_LEVEL: 'warn', ...process.env });
    process.exitCode = await runCli(process.argv.slice(2), config, {
      out: (line: string) => process.stdout.write(`${line}\n`),
      err: (line: string) => process.stderr.write(`${line}\n`),
      readSecret,
    });
  } catch (error) {
    process.stderr.write(`${error instanceof InvalidConfigurationError ? error.message : String(error)}\n`);
    process.exitCode = 1;
  }
}

void main();
