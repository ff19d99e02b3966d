// `orch exec`: a timeout(1) that leaves nothing behind. Runs the command through runInGroup and
// exits with its code; 124 on timeout, 126/127 as shells do, 125 when orch itself fails, which
// includes bad flags (so that 2 stays the command's own exit code, as with timeout(1)).
import { join } from 'node:path';
import { CommanderError, type Command } from 'commander';
import { errorMessage } from '../../errors.ts';
import type { RunOptions, RunResult } from '../../proc/index.ts';
// The exit codes only (no process code): the runner is imported when the command runs.
import { SHELL_EXIT, shellExitCode } from '../../proc/result.ts';
import { formatDuration, parseDuration } from '../../util/duration.ts';
import { ExitSignal } from '../exit.ts';
import type { Register } from '../program.ts';

interface ExecFlags {
  timeout?: string;
  grace?: string;
  json?: boolean;
  logDir?: string;
}

const EXIT_HELP = `
Put -- before the command. Exit status: the command's own; 124 when the timeout killed it;
126 not executable; 127 not found; 128+n killed by signal n; 125 when orch failed (bad flags,
bad ORCH_* config, runner failure). Output passes through; with --json or --log-dir it goes to
log files instead (default $ORCH_HOME/runs/exec) and --json prints the result object.`;

function orchFailed(message: string): ExitSignal {
  process.stderr.write(`orch exec: ${message}\n`);
  return new ExitSignal(SHELL_EXIT.orchFailed);
}

/** One stderr line for what the user would otherwise not see; quiet when all went as planned. */
function notice(result: RunResult, timeoutMs: number): string | null {
  const file = result.command[0] ?? '';
  const code = result.error?.code;
  if (result.outcome === 'spawn-error') {
    if (code === 'ENOENT') return `${file}: command not found`;
    if (code === 'EACCES') return `${file}: permission denied (not executable)`;
    return `${file}: ${result.error?.message ?? 'could not be started'}`;
  }
  const parts: string[] = [];
  if (result.outcome === 'timeout') parts.push(`timed out after ${formatDuration(timeoutMs)}`);
  if (result.killed > 0) parts.push(`killed ${result.killed} process${result.killed === 1 ? '' : 'es'}`);
  if (result.survivors !== null && result.survivors > 0) parts.push(`${result.survivors} survived the kill`);
  return parts.length === 0 ? null : parts.join('; ');
}

async function execAction(command: string[], flags: ExecFlags): Promise<void> {
  let request: RunOptions & { timeoutMs: number };
  const [{ loadConfig }, { procOptionsFromConfig, runInGroup, shutdownSignal }] = await Promise.all([import('../../config/load.ts'), import('../../proc/index.ts')]);
  try {
    const config = loadConfig();
    const fromConfig = procOptionsFromConfig(config);
    const logged = flags.json === true || flags.logDir !== undefined;
    request = {
      file: command[0] as string,
      args: command.slice(1),
      timeoutMs: flags.timeout === undefined ? 0 : parseDuration('--timeout', flags.timeout),
      graceMs: flags.grace === undefined ? fromConfig.graceMs : parseDuration('--grace', flags.grace),
      treeKill: fromConfig.treeKill,
      stdio: logged ? ('log' as const) : ('inherit' as const),
      logDir: flags.logDir ?? join(config.ORCH_HOME, 'runs', 'exec'),
    };
  } catch (error) {
    throw orchFailed(errorMessage(error));
  }
  const result = await runInGroup(request);
  const exitCode = shellExitCode(result, shutdownSignal() ?? 'SIGTERM');
  if (flags.json === true) {
    process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
    if (result.outcome === 'spawn-error' && exitCode === SHELL_EXIT.orchFailed) throw orchFailed(result.error?.message ?? '');
  } else {
    const line = notice(result, request.timeoutMs);
    if (line !== null) process.stderr.write(`orch exec: ${line}\n`);
  }
  throw new ExitSignal(exitCode);
}

/** Parse errors of `exec` end with 125 like its other failures; help still ends with 0. */
function exitOverride(error: CommanderError): never {
  if (error.exitCode === 0) throw error;
  throw new ExitSignal(SHELL_EXIT.orchFailed);
}

export const registerExec: Register = (program: Command) => {
  program
    .command('exec')
    .description('run a command in its own process group and kill the whole tree (a timeout(1) that leaves nothing behind)')
    .argument('<command...>', 'the command and its arguments, after --')
    .option('--timeout <duration>', 'kill the tree after this long: 30s, 500ms, 2m, 1h; a bare number is seconds (default: none)')
    .option('--grace <duration>', 'wait between SIGTERM and SIGKILL (default: ORCH_KILL_GRACE_S)')
    .option('--json', 'print the result object as JSON on stdout; the output goes to log files')
    .option('--log-dir <dir>', 'write the output to log files in this folder instead of passing it through')
    .addHelpText('after', EXIT_HELP)
    .exitOverride(exitOverride)
    .action(execAction);
};
