import { InvalidArgumentError, type Command } from 'commander';
import { getConfig } from '../../shared/config.js';

function parsePort(value: string): number {
  const port = Number(value);
  if (!/^\d+$/.test(value) || port > 65535) throw new InvalidArgumentError('must be a port number (0-65535)');
  return port;
}

/** `dcat-quality board [--port N] [--insecure-dev]`: the operations console (Bull Board, run history, metrics). */
export function register(program: Command): void {
  program
    .command('board')
    .description(
      'Serve the operations console: Bull Board under /board, run history under /api/runs, /healthz, /readyz, /metrics',
    )
    .option('--port <n>', 'port to listen on (default: PORT, 3000)', parsePort)
    .option(
      '--insecure-dev',
      'allow starting without BOARD_USER/BOARD_PASSWORD or BOARD_TOKEN (local use only)',
    )
    .action(async (opts: { port?: number; insecureDev?: boolean }) => {
      // loaded on demand: Bull Board and Fastify are not needed by the other commands
      const { startBoard, closeOnSignals } = await import('../../board/server.js');
      const server = await startBoard(getConfig(), {
        ...(opts.port !== undefined ? { port: opts.port } : {}),
        insecureDev: opts.insecureDev === true,
      });
      closeOnSignals(server);
      console.error(`dcat-quality board: ${server.url}/board/`);
    });
}
