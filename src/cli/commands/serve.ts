// `orch serve`: the read-only HTTP face (the live page, GET /queue, GET /healthz) until SIGINT or SIGTERM.
import type { Command } from 'commander';
import type { CONFIG_KEYS as ConfigKeys } from '../../config/keys.ts';
import { InvalidInputError, OrchError, ERROR_CODES } from '../../errors.ts';
import type { Register } from '../program.ts';

/** --port: the same rule as ORCH_HTTP_PORT, but the message names the flag. */
function parsePort(raw: string, CONFIG_KEYS: typeof ConfigKeys): number {
  const parsed = CONFIG_KEYS.ORCH_HTTP_PORT.schema.safeParse(raw);
  if (!parsed.success) throw new InvalidInputError(`--port ${JSON.stringify(raw)} is invalid: ${CONFIG_KEYS.ORCH_HTTP_PORT.allowed}`);
  return parsed.data;
}

function parseHost(raw: string): string {
  const host = raw.trim();
  if (host === '' || /[\s/]/.test(host)) throw new InvalidInputError(`--host ${JSON.stringify(raw)} is invalid: an IP address or host name, e.g. 127.0.0.1`);
  return host;
}

function untilSignal(): Promise<NodeJS.Signals> {
  return new Promise((resolve) => {
    const on = (signal: NodeJS.Signals) => {
      process.off('SIGINT', on);
      process.off('SIGTERM', on);
      resolve(signal);
    };
    process.on('SIGINT', on);
    process.on('SIGTERM', on);
  });
}

export const registerServe: Register = (program: Command) => {
  program
    .command('serve')
    .description('serve the live page (GET /), GET /queue and GET /healthz, read-only, until SIGINT or SIGTERM')
    .option('--host <address>', 'address to listen on (default: ORCH_HTTP_HOST, 127.0.0.1); off loopback ORCH_HTTP_TOKEN is required')
    .option('--port <n>', 'TCP port, 0 = a free one (default: ORCH_HTTP_PORT, 7070)')
    .action(async (o: { host?: string; port?: string }) => {
      const [{ loadConfig }, { CONFIG_KEYS }, { startServer }] = await Promise.all([import('../../config/load.ts'), import('../../config/keys.ts'), import('../../http/serve.ts')]);
      const config = loadConfig();
      const options = { ...(o.host === undefined ? {} : { host: parseHost(o.host) }), ...(o.port === undefined ? {} : { port: parsePort(o.port, CONFIG_KEYS) }) };
      let server;
      try {
        server = await startServer(config, options);
      } catch (error) {
        const code = (error as NodeJS.ErrnoException).code;
        if (code === 'EADDRINUSE' || code === 'EADDRNOTAVAIL' || code === 'EACCES') {
          throw new OrchError(ERROR_CODES.INVALID_INPUT, `cannot listen on ${options.host ?? config.ORCH_HTTP_HOST}:${options.port ?? config.ORCH_HTTP_PORT}: ${code}`, { cause: error });
        }
        throw error;
      }
      process.stderr.write(`orch serve: listening on ${server.url} (read-only${server.options.token ? ', bearer token required' : ''})\n`);
      const signal = await untilSignal();
      process.stderr.write(`orch serve: ${signal}, closing\n`);
      await server.close();
    });
};
