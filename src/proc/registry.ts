// Live runs of this process, so that orch's own SIGINT/SIGTERM (or a plain process.exit) never
// leaves a tree behind. The handlers are installed only while runs are live, and a signal that
// nobody else listens for is re-raised after the trees are gone, so orch still dies by it.

export interface LiveRun {
  /** Start the graceful tree kill (SIGTERM -> grace -> SIGKILL); the outcome becomes 'cancelled'. */
  cancel(): void;
  /** Synchronous SIGKILL of the whole tree: the last resort inside process.on('exit'). */
  killNow(): void;
  /** Settles when the run is over and its tree is gone. */
  readonly finished: Promise<unknown>;
}

const live = new Set<LiveRun>();
const SIGNALS = ['SIGINT', 'SIGTERM'] as const;
let installed = false;
let shuttingDown: NodeJS.Signals | null = null;

const onExit = (): void => {
  for (const run of live) run.killNow();
};

function onSignal(signal: NodeJS.Signals): void {
  if (shuttingDown !== null) {
    // A second signal: the user will not wait for the grace any more.
    for (const run of live) run.killNow();
    return;
  }
  shuttingDown = signal;
  const runs = [...live];
  for (const run of runs) run.cancel();
  void Promise.allSettled(runs.map((r) => r.finished)).then(() => {
    uninstall();
    shuttingDown = null;
    // Only ours was listening: do what the signal would have done without us.
    if (process.listenerCount(signal) === 0) process.kill(process.pid, signal);
  });
}

const handlers = new Map(SIGNALS.map((s) => [s, () => onSignal(s)] as const));

function install(): void {
  if (installed) return;
  installed = true;
  for (const [signal, handler] of handlers) process.on(signal, handler);
  process.on('exit', onExit);
}

function uninstall(): void {
  if (!installed) return;
  installed = false;
  for (const [signal, handler] of handlers) process.removeListener(signal, handler);
  process.removeListener('exit', onExit);
}

/** Track a run until the returned function is called. */
export function trackRun(run: LiveRun): () => void {
  live.add(run);
  install();
  if (shuttingDown !== null) run.cancel();
  return () => {
    live.delete(run);
    if (live.size === 0 && shuttingDown === null) uninstall();
  };
}

/** The signal orch is shutting down for, if any (the CLI reports it as 128+n). */
export function shutdownSignal(): NodeJS.Signals | null {
  return shuttingDown;
}

/** How many runs are live (for tests and diagnostics). */
export function liveRunCount(): number {
  return live.size;
}
