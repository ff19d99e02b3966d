// Starting and stopping the server: open the store read-only, listen, and close both on stop.
import type { Config } from '../config/keys.ts';
import { openReadOnlyStore } from '../store/read-only.ts';
import { resolveServeOptions, type ResolvedServeOptions, type ServeOptions } from './options.ts';
import { buildServer, type LogSettings } from './server.ts';

export interface RunningServer {
  /** Where it listens, e.g. http://127.0.0.1:7070 (the real port when 0 was asked). */
  readonly url: string;
  readonly port: number;
  readonly options: ResolvedServeOptions;
  close(): Promise<void>;
}

/** Validate options (the token rule first, before anything is opened), then listen. */
export async function startServer(config: Config, options: ServeOptions = {}, log: LogSettings = { level: 'info' }, live: { liveIntervalMs?: number } = {}): Promise<RunningServer> {
  const resolved = resolveServeOptions(config, options);
  const store = await openReadOnlyStore(config);
  const app = buildServer({ store, config, options: resolved, log, ...live });
  try {
    await app.listen({ host: resolved.host, port: resolved.port });
  } catch (error) {
    await app.close().catch(() => undefined);
    await store.close();
    throw error;
  }
  const address = app.server.address();
  const port = typeof address === 'object' && address !== null ? address.port : resolved.port;
  const host = resolved.host.includes(':') ? `[${resolved.host}]` : resolved.host;
  let closed: Promise<void> | null = null;
  return {
    url: `http://${host}:${port}`,
    port,
    options: resolved,
    close: () => (closed ??= app.close().then(() => store.close())),
  };
}
