// `orch serve` options: flags over config, normalised once into a frozen object. The token rule
// lives here: a listener reachable from other machines must not serve without a bearer token.
import { isIP } from 'node:net';
import type { Config } from '../config/keys.ts';
import { ConfigError } from '../errors.ts';

export interface ServeOptions {
  /** @default ORCH_HTTP_HOST (127.0.0.1) */
  readonly host?: string;
  /** @default ORCH_HTTP_PORT (7070); 0 = a free port */
  readonly port?: number;
}

export interface ResolvedServeOptions {
  readonly host: string;
  readonly port: number;
  /** The bearer token every request must carry, or null (loopback only). Never logged. */
  readonly token: string | null;
}

/** Loopback addresses: 127.0.0.0/8, ::1 (also IPv4-mapped) and the name localhost. */
export function isLoopbackHost(host: string): boolean {
  const h = host.trim().toLowerCase().replace(/^\[(.*)\]$/, '$1');
  if (h === 'localhost') return true;
  if (isIP(h) === 4) return h.startsWith('127.');
  if (isIP(h) === 6) return h === '::1' || h === '0:0:0:0:0:0:0:1' || h.startsWith('::ffff:127.');
  return false;
}

export function resolveServeOptions(config: Pick<Config, 'ORCH_HTTP_HOST' | 'ORCH_HTTP_PORT' | 'ORCH_HTTP_TOKEN'>, options: ServeOptions = {}): ResolvedServeOptions {
  const host = options.host ?? config.ORCH_HTTP_HOST;
  const port = options.port ?? config.ORCH_HTTP_PORT;
  const token = config.ORCH_HTTP_TOKEN === '' ? null : config.ORCH_HTTP_TOKEN;
  if (token === null && !isLoopbackHost(host)) {
    throw new ConfigError('ORCH_HTTP_TOKEN', '', `required when orch serve listens on a non-loopback address (host ${host}); set it, or listen on 127.0.0.1`);
  }
  return Object.freeze({ host, port, token });
}
