// Progress of `orch stage` on stderr: one line per step with the elapsed time, so stdout stays
// free for the JSON report. A spinner only when stderr is a terminal; logs and CI get lines, and
// while a long step runs a heartbeat line every 30 s (`still running: staging: npm test 2m30s, log PATH`).
import { HEARTBEAT_MS, stillRunning, type StillRunning } from '../util/still-running.ts';

export interface Progress {
  /** A step finished or started: one line `[12.3s] text`. */
  step(text: string): void;
  /**
   * Something long is running: spin on a TTY until the next step() or stop(); off a TTY one line,
   * then a heartbeat naming `label` (default: staging) and the command that runs, until the next step() or stop().
   */
  busy(text: string, label?: string): void;
  /** A process of the busy step started: the heartbeat times it and names its log. */
  spawned(info: { readonly logPath?: string | null; readonly command?: string }): void;
  stop(): void;
}

export interface ProgressOptions {
  /** @default HEARTBEAT_MS (30 s) */
  readonly heartbeatMs?: number;
  /** The clock of the heartbeat. @default performance.now */
  readonly now?: () => number;
}

const FRAMES = ['|', '/', '-', '\\'];

export function createProgress(stream: NodeJS.WriteStream | NodeJS.WritableStream = process.stderr, start = performance.now(), options: ProgressOptions = {}): Progress {
  const tty = 'isTTY' in stream && stream.isTTY === true;
  const now = options.now ?? (() => performance.now());
  const elapsed = () => `[${((now() - start) / 1000).toFixed(1)}s]`;
  let timer: NodeJS.Timeout | null = null;
  let heartbeat: StillRunning | null = null;
  const clear = () => {
    heartbeat?.stop();
    heartbeat = null;
    if (timer === null) return;
    clearInterval(timer);
    timer = null;
    stream.write('\r\x1b[K');
  };
  return {
    step(text) {
      clear();
      stream.write(`orch stage ${elapsed()} ${text}\n`);
    },
    busy(text, label = 'staging') {
      clear();
      if (!tty) {
        stream.write(`orch stage ${elapsed()} ${text}\n`);
        heartbeat = stillRunning({ label, write: (line) => stream.write(`orch stage ${elapsed()} ${line}\n`), intervalMs: options.heartbeatMs ?? HEARTBEAT_MS, now, showCommand: true });
        return;
      }
      let i = 0;
      const draw = () => stream.write(`\r\x1b[Korch stage ${elapsed()} ${FRAMES[i++ % FRAMES.length]} ${text}`);
      draw();
      timer = setInterval(draw, 120);
      timer.unref();
    },
    spawned(info) {
      heartbeat?.spawned(info);
    },
    stop: clear,
  };
}
