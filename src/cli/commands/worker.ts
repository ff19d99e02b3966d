// `orch worker [--concurrency N] [--until-idle]`: run the pipeline. SIGTERM or SIGINT stop it
// cleanly: no new claims, running agents' trees killed, their jobs given back to the queue, exit 0.
// A second signal does not wait: orch exits at once (the reaper re-queues what was running).
import { constants } from 'node:os';
import type { Command } from 'commander';
import { InvalidInputError } from '../../errors.ts';
import { ExitSignal, EXIT } from '../exit.ts';
import { printJson, withStore } from '../context.ts';
import type { Register } from '../program.ts';

function parseConcurrency(raw: string): number {
  const n = /^\d+$/.test(raw.trim()) ? Number(raw.trim()) : Number.NaN;
  if (!Number.isSafeInteger(n) || n < 1) throw new InvalidInputError(`--concurrency ${JSON.stringify(raw)} is invalid: a whole number >= 1`);
  return n;
}

/** Stop on the first SIGTERM/SIGINT; exit at once on the second. Returns the remover. */
function stopOnSignals(controller: AbortController): () => void {
  const handlers = (['SIGTERM', 'SIGINT'] as const).map((signal) => {
    const handler = () => {
      if (controller.signal.aborted) process.exit(128 + (constants.signals[signal] ?? 15));
      process.stderr.write(`orch worker: ${signal}: stopping (releasing running jobs)\n`);
      controller.abort();
    };
    process.on(signal, handler);
    return [signal, handler] as const;
  });
  return () => {
    for (const [signal, handler] of handlers) process.removeListener(signal, handler);
  };
}

export const registerWorker: Register = (program: Command) => {
  program
    .command('worker')
    .description('claim and run jobs until stopped (SIGTERM/SIGINT release running jobs and exit 0)')
    .option('--concurrency <n>', 'jobs run at once, of different tasks', '1')
    .option('--until-idle', 'exit once no job is runnable or running (deferred jobs due within a minute count as work)')
    .option('--json', 'print a summary as JSON on stdout when the worker stops')
    .action(async (o: { concurrency: string; untilIdle?: boolean; json?: boolean }) => {
      const concurrency = parseConcurrency(o.concurrency);
      const { runWorker } = await import('../../worker/loop.ts');
      const controller = new AbortController();
      const remove = stopOnSignals(controller);
      try {
        const summary = await withStore((deps) =>
          runWorker(deps, { concurrency, untilIdle: o.untilIdle === true, signal: controller.signal, log: (line) => process.stderr.write(`${line}\n`) }),
          // A worker writes for hours: refuse a corrupt store up front (PRAGMA quick_check).
          { check: 'quick' },
        );
        if (o.json) printJson(summary);
        // A run until idle is a batch: it fails when a job of it failed or could not start its agent.
        if (o.untilIdle && (summary.failed > 0 || summary.errors > 0 || summary.agentNotFound > 0)) {
          const { loadConfig } = await import('../../config/load.ts');
          const parts = [
            ...(summary.failed + summary.errors > 0 ? [`${summary.failed + summary.errors} job(s) failed`] : []),
            ...(summary.agentNotFound > 0 ? [`${summary.agentNotFound} job(s) deferred: agent command not found: ${loadConfig().ORCH_AGENT_CMD[0]}`] : []),
          ];
          process.stderr.write(`orch worker: ${parts.join('; ')} (\`orch alerts\`, \`orch task show ID\`)\n`);
          throw new ExitSignal(EXIT.fault);
        }
      } finally {
        remove();
      }
    });
};
