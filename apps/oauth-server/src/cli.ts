import 'reflect-metadata';
import { InvalidConfigurationError, loadConfig } from '@app/config';
import { runCli } from './cli/run-cli';
import { readSecret } from './cli/read-secret';

async function main(): Promise<void> {
  try {
    // Operator output goes to stdout, complaints to stderr as one human line each; the server's own
    // log lines stay silent here (docs/operations.md, "Operator command line").
    const config = loadConfig({ ...process.env, LOG_LEVEL: 'silent', LOG_LEVEL_MODULES: undefined });
    process.exitCode = await runCli(process.argv.slice(2), config, {
      out: (line: string) => process.stdout.write(`${line}\n`),
      err: (line: string) => process.stderr.write(`${line}\n`),
      readSecret,
    });
  } catch (error) {
    const message = error instanceof InvalidConfigurationError ? error.message : `Error: ${error instanceof Error ? error.message : String(error)}`;
    process.stderr.write(`${message}\n`);
    process.exitCode = 1;
  }
}

void main();
