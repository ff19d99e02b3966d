// The heartbeat of a long step off a terminal: every interval, one line saying what still runs,
// for how long, and where its output goes (`still running: staging: npm test 2m30s, log PATH`). A CI log or a
// `| tee` then shows a live process instead of minutes of silence.

/** The default interval between two heartbeat lines. */
export const HEARTBEAT_MS = 30_000;

/** `150000` -> `2m30s`; `3723000` -> `1h02m03s`; under a minute `42s`. */
export function formatElapsed(ms: number): string {
  const total = Math.max(0, Math.floor(ms / 1000));
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  if (h > 0) return `${h}h${String(m).padStart(2, '0')}m${String(s).padStart(2, '0')}s`;
  if (m > 0) return `${m}m${String(s).padStart(2, '0')}s`;
  return `${s}s`;
}

export interface StillRunning {
  /** A process of the step started: the next lines time it and name its log. */
  spawned(info: { readonly logPath?: string | null; readonly command?: string }): void;
  stop(): void;
}

export interface StillRunningOptions {
  /** What runs, e.g. `suite` or `job 7 developer`. */
  readonly label: string;
  readonly write: (line: string) => void;
  /** @default HEARTBEAT_MS */
  readonly intervalMs?: number;
  /** @default performance.now */
  readonly now?: () => number;
  /** Name the command of the process that runs now after the label (`staging: npm ci`). @default false */
  readonly showCommand?: boolean;
}

const MAX_COMMAND = 60;

/** A command line cut to MAX_COMMAND characters, whitespace runs made one space. */
function shorten(command: string): string {
  const one = command.replace(/\s+/g, ' ').trim();
  return one.length <= MAX_COMMAND ? one : `${one.slice(0, MAX_COMMAND - 1)}…`;
}

/** Start the heartbeat; stop() ends it (it never keeps the process alive). */
export function stillRunning(options: StillRunningOptions): StillRunning {
  const now = options.now ?? (() => performance.now());
  let since = now();
  let log: string | null = null;
  // The process that runs now, by its command: a step may run more than one (an install, then the suite).
  let what = options.label;
  const timer = setInterval(() => {
    options.write(`still running: ${what} ${formatElapsed(now() - since)}${log === null ? '' : `, log ${log}`}`);
  }, options.intervalMs ?? HEARTBEAT_MS);
  timer.unref();
  return {
    spawned(info) {
      since = now();
      log = info.logPath ?? null;
      what = options.showCommand && info.command ? `${options.label}: ${shorten(info.command)}` : options.label;
    },
    stop: () => clearInterval(timer),
  };
}
