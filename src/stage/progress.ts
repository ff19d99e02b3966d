// Progress of `orch stage` on stderr: one line per step with the elapsed time, so stdout stays
// free for the JSON report. A spinner only when stderr is a terminal (logs and CI get lines).
export interface Progress {
  /** A step finished or started: one line `[12.3s] text`. */
  step(text: string): void;
  /** Something long is running: spin on a TTY until the next step() or stop(). */
  busy(text: string): void;
  stop(): void;
}

const FRAMES = ['|', '/', '-', '\\'];

export function createProgress(stream: NodeJS.WriteStream | NodeJS.WritableStream = process.stderr, start = performance.now()): Progress {
  const tty = 'isTTY' in stream && stream.isTTY === true;
  const elapsed = () => `[${((performance.now() - start) / 1000).toFixed(1)}s]`;
  let timer: NodeJS.Timeout | null = null;
  const clear = () => {
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
    busy(text) {
      clear();
      if (!tty) {
        stream.write(`orch stage ${elapsed()} ${text}\n`);
        return;
      }
      let i = 0;
      const draw = () => stream.write(`\r\x1b[Korch stage ${elapsed()} ${FRAMES[i++ % FRAMES.length]} ${text}`);
      draw();
      timer = setInterval(draw, 120);
      timer.unref();
    },
    stop: clear,
  };
}
