// The read-only HTTP face (SPEC §9): GET /healthz and GET /queue over a read-only store.
// One hook checks the bearer token before any route runs; one error handler turns whatever a
// handler throws into a 500 with a stable body, so a broken read never takes the server down.
import Fastify, { type FastifyInstance } from 'fastify';
import type { Config } from '../config/keys.ts';
import { errorMessage, isOrchError } from '../errors.ts';
import type { Store } from '../store/db.ts';
import { bearerChecker } from './auth.ts';
import type { ResolvedServeOptions } from './options.ts';
import { readQueue } from './queue.ts';

export interface ServerDeps {
  readonly store: Store;
  readonly config: Config;
  readonly options: ResolvedServeOptions;
  /** Fastify's pino logger: level and where lines go, or false for none. @default { level: 'info' } (stdout) */
  readonly log?: LogSettings;
}

export type LogSettings = false | { readonly level: string; readonly stream?: NodeJS.WritableStream };

/** Header paths pino must never print: the bearer token travels in them. */
export const REDACTED = Object.freeze(['req.headers.authorization', 'req.headers.cookie', 'req.headers["proxy-authorization"]']);

export const ROUTES = Object.freeze(['GET /healthz', 'GET /queue']);

export function buildServer(deps: ServerDeps): FastifyInstance {
  const log = deps.log ?? { level: 'info' };
  const app = Fastify({
    logger: log === false ? false : { level: log.level, redact: { paths: [...REDACTED], censor: '[redacted]' }, ...(log.stream ? { stream: log.stream } : {}) },
    // The store answers in milliseconds; a client that holds a socket open gets nothing more.
    requestTimeout: 10_000,
  });
  const authorized = bearerChecker(deps.options.token);

  app.addHook('onRequest', async (request, reply) => {
    if (authorized(request.headers.authorization)) return;
    await reply.code(401).header('www-authenticate', 'Bearer realm="orch"').send({ error: 'unauthorized', message: 'this server requires Authorization: Bearer <ORCH_HTTP_TOKEN>' });
  });

  app.get('/healthz', async () => ({ status: 'ok' }));
  app.get('/queue', async () => readQueue(deps.store, deps.config));

  app.setNotFoundHandler(async (request, reply) => {
    await reply.code(404).send({ error: 'not-found', message: `${request.method} ${request.url} is not served; routes: ${ROUTES.join(', ')}` });
  });
  app.setErrorHandler(async (error, request, reply) => {
    const status = (error as { statusCode?: number }).statusCode;
    if (status !== undefined && status >= 400 && status < 500) {
      await reply.code(status).send({ error: 'bad-request', message: errorMessage(error) });
      return;
    }
    request.log.error({ err: error }, 'request failed');
    const code = isOrchError(error) ? error.code : 'ORCH_INTERNAL';
    await reply.code(500).send({ error: 'internal', code, message: errorMessage(error) });
  });
  return app;
}
