// The read-only HTTP face (SPEC §9): the live page (GET /, GET /tasks/:id, GET /events), GET /healthz and GET /queue over a read-only store.
// One hook checks the bearer token before any route runs; one error handler turns whatever a
// handler throws into a 500 with a stable body, so a broken read never takes the server down.
import { randomBytes } from 'node:crypto';
import Fastify, { type FastifyInstance, type FastifyReply } from 'fastify';
import type { Config } from '../config/keys.ts';
import { errorMessage, isOrchError } from '../errors.ts';
import type { Store } from '../store/db.ts';
import { bearerChecker } from './auth.ts';
import type { ResolvedServeOptions } from './options.ts';
import { getTask } from '../store/repos/tasks.ts';
import { escapeHtml, pageCsp, readBoard, renderBoard, renderPage, renderTaskBody } from './page.ts';
import { readQueue } from './queue.ts';

export interface ServerDeps {
  readonly store: Store;
  readonly config: Config;
  readonly options: ResolvedServeOptions;
  /** Fastify's pino logger: level and where lines go, or false for none. @default { level: 'info' } (stdout) */
  readonly log?: LogSettings;
  /** How often GET /events re-reads the store for each open stream. @default LIVE_INTERVAL_MS */
  readonly liveIntervalMs?: number;
}

/** The live page's refresh: the stream sends a fragment only when it changed. */
export const LIVE_INTERVAL_MS = 1000;
/** A comment line on every open stream this often, so proxies keep it open. */
const KEEPALIVE_MS = 15_000;

export type LogSettings = false | { readonly level: string; readonly stream?: NodeJS.WritableStream };

/** Header paths pino must never print: the bearer token travels in them. */
export const REDACTED = Object.freeze(['req.headers.authorization', 'req.headers.cookie', 'req.headers["proxy-authorization"]']);

export const ROUTES = Object.freeze(['GET /', 'GET /tasks/:id', 'GET /events', 'GET /healthz', 'GET /queue']);

/** A task id in a path or query: a positive whole number, or a 400. */
function taskIdParam(raw: string): number {
  const id = /^[0-9]{1,15}$/.test(raw) ? Number(raw) : Number.NaN;
  if (!Number.isSafeInteger(id) || id < 1) throw Object.assign(new Error(`task id must be a positive whole number, got ${JSON.stringify(raw)}`), { statusCode: 400 });
  return id;
}

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

  // The live page: server-rendered HTML; its script swaps in fragments from GET /events.
  const board = async () => renderBoard(await readBoard(deps.store, deps.config));
  const sendPage = async (reply: FastifyReply, title: string, heading: string, body: string, events: string) => {
    const nonce = randomBytes(16).toString('base64');
    await reply
      .header('content-type', 'text/html; charset=utf-8')
      .header('content-security-policy', pageCsp(nonce))
      .header('cache-control', 'no-store')
      .header('x-content-type-options', 'nosniff')
      .header('referrer-policy', 'no-referrer')
      .send(renderPage({ title, heading, body, events, nonce }));
  };
  app.get('/', async (_request, reply) => {
    await sendPage(reply, 'orch', escapeHtml(deps.store.location), await board(), '/events');
  });
  app.get('/tasks/:id', async (request, reply) => {
    const id = taskIdParam((request.params as { id: string }).id);
    try {
      await getTask(deps.store.db, id);
    } catch (error) {
      if (isOrchError(error) && error.code === 'ORCH_NOT_FOUND') {
        await reply.code(404).header('content-type', 'text/html; charset=utf-8').send(renderPage({ title: 'orch: no such task', heading: '', body: `<section class="panel"><p>task ${id} does not exist. <a href="/">back to the board</a></p></section>`, events: '', nonce: randomBytes(16).toString('base64') }));
        return;
      }
      throw error;
    }
    await sendPage(reply, `orch: task ${id}`, `<a href="/">board</a> / task ${id}`, await renderTaskBody(deps.store, id), `/events?task=${id}`);
  });
  app.get('/events', async (request, reply) => {
    const rawTask = (request.query as { task?: string }).task;
    const taskId = rawTask === undefined ? null : taskIdParam(rawTask);
    const render = taskId === null ? board : () => renderTaskBody(deps.store, taskId);
    reply.hijack();
    const raw = reply.raw;
    raw.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-store', connection: 'keep-alive', 'x-accel-buffering': 'no' });
    let last = '';
    let busy = false;
    const push = async () => {
      if (busy || raw.writableEnded) return;
      busy = true;
      try {
        const html = await render();
        if (html !== last && !raw.writableEnded) {
          last = html;
          raw.write(`event: board\n${html.split('\n').map((line) => `data: ${line}`).join('\n')}\n\n`);
        }
      } catch (error) {
        if (!raw.writableEnded) raw.write(`event: problem\ndata: ${errorMessage(error).replace(/\n/g, ' ')}\n\n`);
      } finally {
        busy = false;
      }
    };
    const timer = setInterval(() => void push(), deps.liveIntervalMs ?? LIVE_INTERVAL_MS);
    const keepalive = setInterval(() => raw.writableEnded || raw.write(': keep-alive\n\n'), KEEPALIVE_MS);
    const end = () => {
      clearInterval(timer);
      clearInterval(keepalive);
      streams.delete(end);
      if (!raw.writableEnded) raw.end();
    };
    streams.add(end);
    request.raw.on('close', end);
    raw.write('retry: 2000\n\n');
    await push();
  });
  // Open streams never end on their own: end them before the server waits for its connections.
  const streams = new Set<() => void>();
  app.addHook('preClose', async () => {
    for (const end of [...streams]) end();
  });

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
