// Keys of `orch serve` (src/http, SPEC §9): where it listens and the bearer token a non-loopback
// listener requires. The token is a secret: it is never logged or echoed.
import { int, str } from '../define.ts';

export const httpKeys = {
  ORCH_HTTP_HOST: str({
    default: '127.0.0.1',
    doc: 'Address `orch serve` listens on; anything but a loopback address requires ORCH_HTTP_TOKEN.',
    nonEmpty: true,
  }),
  ORCH_HTTP_PORT: int({
    default: '7070',
    doc: 'TCP port of `orch serve`; 0 picks a free port.',
    min: 0,
    max: 65_535,
  }),
  ORCH_HTTP_TOKEN: str({
    default: '',
    doc: 'Bearer token `orch serve` requires on every request when set (Authorization: Bearer <token>); required off loopback.',
  }),
} as const;
