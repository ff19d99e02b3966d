// The commander program: each command lives in commands/<name>.ts and registers itself here.
import { Command, CommanderError } from 'commander';
import { registerAdvance } from './commands/advance.ts';
import { registerTask } from './commands/task.ts';
import { registerExec } from './commands/exec.ts';
import { registerDrift } from './commands/drift.ts';
import { registerServe } from './commands/serve.ts';
import { registerStage } from './commands/stage.ts';
import { registerWorker } from './commands/worker.ts';
import { registerDemo } from './commands/demo.ts';
import { describeFailure, ExitSignal, EXIT } from './exit.ts';

export type Register = (program: Command) => void;

const COMMANDS: Register[] = [registerTask, registerAdvance, registerExec, registerWorker, registerDemo, registerDrift, registerServe, registerStage];

export function buildProgram(): Command {
  const program = new Command('orch')
    .description('orch: the core of a self-hosting orchestrator for AI-agent software delivery')
    .exitOverride()
    // Commander's own usage errors get the same one-line `orch: ...` shape as ours.
    .configureOutput({ outputError: (str, write) => write(str.replace(/^error: /, 'orch: ')) })
    .showHelpAfterError(false);
  for (const register of COMMANDS) register(program);
  return program;
}

/** Parse argv and run; resolves to the process exit code. The single catch-all of the CLI. */
export async function runCli(argv: readonly string[]): Promise<number> {
  const program = buildProgram();
  try {
    await program.parseAsync([...argv], { from: 'user' });
    return EXIT.ok;
  } catch (error) {
    if (error instanceof ExitSignal) return error.exitCode;
    if (error instanceof CommanderError) {
      // Help and version are not errors; everything else commander refuses is a usage error.
      if (error.code === 'commander.helpDisplayed' || error.code === 'commander.version') return EXIT.ok;
      if (error.code === 'commander.help') return EXIT.ok;
      return EXIT.usage;
    }
    const { line, exitCode } = describeFailure(error);
    process.stderr.write(`${line}\n`);
    return exitCode;
  }
}
