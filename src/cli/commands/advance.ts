// `orch advance ID`: evaluate the task's gate now and apply the decision (what a worker does
// after a job ends). The exit code says what happened, so scripts can branch on it.
import type { Command } from 'commander';
import type { AdvanceOutcome } from '../../core/decide.ts';
import { EXIT, ExitSignal } from '../exit.ts';
import { parseTaskId, printJson, printLine, withStore } from '../context.ts';

/** advanced/done 0; rolled back or blocked 1 (a code fault); deferred or lost a race 75 (try later). */
export const ADVANCE_EXIT: Readonly<Record<AdvanceOutcome, number>> = Object.freeze({
  advanced: EXIT.ok,
  done: EXIT.ok,
  'rolled-back': EXIT.fault,
  blocked: EXIT.fault,
  deferred: EXIT.tempfail,
  conflict: EXIT.tempfail,
});

export function registerAdvance(program: Command): void {
  program
    .command('advance')
    .description("evaluate a task's quality gate and advance, roll back, block or defer it")
    .argument('<id>', 'task id')
    .option('--json', 'print the result as JSON')
    .action(async (rawId: string, o: { json?: boolean }) => {
      const id = parseTaskId(rawId);
      const { advance } = await import('../../pipeline/advance.ts');
      const result = await withStore((deps) => advance(deps, id));
      if (o.json) printJson(result);
      else {
        const move = result.from === result.to ? `stays on ${result.from}` : `${result.from} -> ${result.to}`;
        printLine(`task ${id} ${result.outcome}: ${move}`);
        printLine(`  ${result.reason}`);
        for (const g of result.gateResults) printLine(`  ${g.checkId}: ${g.verdict}: ${g.reason}`);
        if (result.jobId !== null) printLine(`  job ${result.jobId} queued`);
        if (result.alertId !== null) printLine(`  alert ${result.alertId} raised`);
      }
      const code = ADVANCE_EXIT[result.outcome];
      if (code !== EXIT.ok) throw new ExitSignal(code);
    });
}
