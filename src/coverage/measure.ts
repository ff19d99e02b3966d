// measureCoverage (the seed's coverage_gate.measure_coverage): run ORCH_COVERAGE_CMD in the task
// worktree under the process-group runner, then read the summary it wrote. A summary that was
// already there before the run and was not rewritten does not count: it measured other code.
import { mkdirSync, readFileSync, statSync } from 'node:fs';
import { isAbsolute, join, relative, resolve } from 'node:path';
import type { Config } from '../config/keys.ts';
import { splitCommand } from '../config/gate-command.ts';
import { suiteEnv } from '../staging/suite.ts';
import type { CoverageMeasurement } from '../core/coverage-verdict.ts';
import { summarizeRun } from '../merge/run-summary.ts';
import { taskDir } from '../config/task-paths.ts';
import { procOptionsFromConfig, runInGroup } from '../proc/index.ts';
import { readCoverageSummary } from './summary.ts';

function mtimeOf(path: string): number | null {
  try {
    return statSync(path).mtimeMs;
  } catch {
    return null;
  }
}

export async function measureCoverage(config: Config, taskId: number, worktree: string): Promise<CoverageMeasurement> {
  const summaryPath = resolve(worktree, config.ORCH_COVERAGE_SUMMARY);
  const base = { linesPct: null, summaryPath, run: null };
  const rel = relative(worktree, summaryPath);
  if (rel === '' || rel.startsWith('..') || isAbsolute(rel)) {
    return { ...base, outcome: 'invalid-summary', reason: `ORCH_COVERAGE_SUMMARY ${JSON.stringify(config.ORCH_COVERAGE_SUMMARY)} is outside the task worktree` };
  }
  const split = splitCommand(config.ORCH_COVERAGE_CMD);
  if (!('argv' in split)) return { ...base, outcome: 'not-run', reason: `ORCH_COVERAGE_CMD ${split.problem}` };
  const before = mtimeOf(summaryPath);
  const logDir = join(taskDir(config, taskId), 'coverage');
  mkdirSync(logDir, { recursive: true });
  const [file, ...args] = split.argv as [string, ...string[]];
  const timeoutMs = Math.round(config.ORCH_MERGE_RETEST_TIMEOUT_S * 1000);
  const result = await runInGroup({ file, args, cwd: worktree, env: suiteEnv(process.env), extendEnv: false, timeoutMs, ...procOptionsFromConfig(config), logDir });
  const run = summarizeRun(result, 'ORCH_COVERAGE_CMD');
  if (result.outcome === 'timeout') return { ...base, run, outcome: 'timeout', reason: `coverage run timed out after ${result.durationMs} ms; its process tree was killed` };
  if (result.outcome === 'spawn-error') return { ...base, run, outcome: 'not-run', reason: `coverage command could not start: ${result.error?.message ?? 'unknown'}` };
  const after = mtimeOf(summaryPath);
  if (after === null || after === before) {
    const what = after === null ? 'did not write' : 'did not rewrite';
    return { ...base, run, outcome: 'no-summary', reason: `coverage command (${result.outcome}, exit ${result.exitCode ?? 'none'}) ${what} ${config.ORCH_COVERAGE_SUMMARY}` };
  }
  const reading = readCoverageSummary(readFileSync(summaryPath, 'utf8'));
  if (!reading.ok) return { ...base, run, outcome: 'invalid-summary', reason: `${config.ORCH_COVERAGE_SUMMARY}: ${reading.problem}` };
  return { ...base, run, outcome: 'measured', linesPct: reading.linesPct, reason: `line coverage ${reading.linesPct}%` };
}
