// `orch stage` (= `tsx scripts/stage.ts` = `npm run stage`, SPEC §11): stage one branch. Progress
// goes to stderr; with --json exactly one JSON object goes to stdout. Exit: 0 advanced,
// 1 rolled back or failed closed, 75 deferred (infra: try later), 2 usage or config error.
import type { Command } from 'commander';
import { errorMessage, isOrchError } from '../../errors.ts';
import type { StageOptions } from '../../stage/options.ts';
import type { StageReport } from '../../stage/report.ts';
import { printJson, printLine } from '../context.ts';
import { EXIT, ExitSignal, STAGE_EXIT } from '../exit.ts';
import type { Register } from '../program.ts';

const EXIT_HELP = `
Defaults: the git work tree of the current directory, its checked-out branch, base main, the
configured suite (ORCH_STAGING_SUITE_CMD, else npm test), no merge. Without --merge the merge
gate stops before moving the base and reports whether the branch is mergeable.
Exit status: 0 advanced, 1 rolled back or failed closed, 75 deferred (infra; a worker or the
next orch stage picks it up), 2 usage or config error (nothing written).`;

function renderText(r: StageReport): void {
  printLine(`task ${r.task.id} ${r.task.branch} (base ${r.task.base}): ${r.verdict}`);
  printLine(`  ${r.reason}`);
  if (r.staging) printLine(`  staging: ${r.staging.status ?? r.staging.outcome}, exit ${r.staging.exitCode ?? '-'}, ${r.staging.durationMs ?? '-'} ms${r.staging.artifact ? `, ${r.staging.artifact}` : ''}`);
  if (r.mergeGate) printLine(`  merge gate: ${r.mergeGate.classification} -> ${r.mergeGate.action}${r.mergeGate.skippedRetest ? ' (re-test skipped)' : ''}; base ${r.mergeGate.baseBefore?.slice(0, 12) ?? '-'} -> ${r.mergeGate.baseAfter?.slice(0, 12) ?? '-'}`);
}

async function stageAction(flags: StageOptions): Promise<void> {
  const [{ refuseNested }, { resolveStageOptions }, { createProgress }, { runStage }] = await Promise.all([
    import('../../stage/guard.ts'),
    import('../../stage/options.ts'),
    import('../../stage/progress.ts'),
    import('../../stage/run.ts'),
  ]);
  refuseNested();
  const options = await resolveStageOptions(flags);
  const controller = new AbortController();
  const stop = () => controller.abort();
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  let report: StageReport;
  try {
    report = await runStage(options, { progress: createProgress(), signal: controller.signal });
  } catch (error) {
    // Infra trouble (the job went to a worker, a store busy past its timeout): try again later.
    if (isOrchError(error) && error.retryable) {
      process.stderr.write(`orch: ${errorMessage(error)}\n`);
      throw new ExitSignal(EXIT.tempfail);
    }
    throw error;
  } finally {
    process.off('SIGINT', stop);
    process.off('SIGTERM', stop);
  }
  if (options.json) printJson(report);
  else renderText(report);
  const code = STAGE_EXIT[report.verdict];
  if (code !== EXIT.ok) {
    // Issue 13.3: the cause in one line and the log to read, on stderr, whatever the output mode.
    process.stderr.write(`orch stage: ${report.verdict}: ${report.cause ?? report.reason}\n`);
    if (report.log) process.stderr.write(`orch stage: full log: ${report.log}\n`);
    throw new ExitSignal(code);
  }
}

export const registerStage: Register = (program: Command) => {
  program
    .command('stage')
    .description('run the staging runner and then the merge gate for one branch, recorded like a worker')
    .option('--repo <dir>', 'git work tree (default: the one of the current directory)')
    .option('--branch <name>', 'branch to stage (default: the checked-out branch)')
    .option('--base <name>', 'branch it merges into (default: main)')
    .option('--suite <command>', 'the suite to run (default: ORCH_STAGING_SUITE_CMD, else npm test)')
    .option('--timeout <duration>', 'limit for each suite run: 900, 30s, 2m (default: the configured timeouts)')
    .option('--merge', 'on a pass, move the base to the tested commit (fast-forward, never forced)')
    .option('--json', 'print one JSON object on stdout; progress stays on stderr')
    .addHelpText('after', EXIT_HELP)
    .action(stageAction);
};
