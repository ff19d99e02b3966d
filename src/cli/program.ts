// The commander program: each command lives in commands/<name>.ts and registers itself here.
import { readFileSync } from 'node:fs';
import { Command, CommanderError } from 'commander';
import { describeFailure, ExitSignal, EXIT } from './exit.ts';

export type Register = (program: Command) => void;

/**
 * Every command, loaded on demand: a command's module pulls in what it needs (ts-morph for drift,
 * the store and git for task, ...), and each CLI start should pay only for the command it runs.
 */
const COMMANDS: Readonly<Record<string, () => Promise<Register>>> = Object.freeze({
  task: async () => (await import('./commands/task.ts')).registerTask,
  advance: async () => (await import('./commands/advance.ts')).registerAdvance,
  exec: async () => (await import('./commands/exec.ts')).registerExec,
  worker: async () => (await import('./commands/worker.ts')).registerWorker,
  demo: async () => (await import('./commands/demo.ts')).registerDemo,
  drift: async () => (await import('./commands/drift.ts')).registerDrift,
  scan: async () => (await import('./commands/scan.ts')).registerScan,
  serve: async () => (await import('./commands/serve.ts')).registerServe,
  stage: async () => (await import('./commands/stage.ts')).registerStage,
  roadmap: async () => (await import('./commands/roadmap.ts')).registerRoadmap,
  alerts: async () => (await import('./commands/alerts.ts')).registerAlerts,
  doctor: async () => (await import('./commands/doctor.ts')).registerDoctor,
});

/** orch's version, from package.json. */
function packageVersion(): string {
  const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version?: unknown };
  return typeof pkg.version === 'string' ? pkg.version : 'unknown';
}

/** The program with the command `argv` names, or with every command (help, unknown names). */
export async function buildProgram(argv: readonly string[] = []): Promise<Command> {
  const program = new Command('orch')
    .description('orch: the core of a self-hosting orchestrator for AI-agent software delivery')
    .exitOverride()
    // Commander's own usage errors get the same one-line `orch: ...` shape as ours.
    .configureOutput({ outputError: (str, write) => write(str.replace(/^error: /, 'orch: ')) })
    .showHelpAfterError(false)
    .version(packageVersion(), '-V, --version', "print orch's version");
  // --version needs no command module at all; help and unknown names need every one.
  const version = argv[0] === '--version' || argv[0] === '-V';
  const named = version ? [] : argv[0] !== undefined && Object.hasOwn(COMMANDS, argv[0]) ? [argv[0]] : Object.keys(COMMANDS);
  const registers = await Promise.all(named.map((name) => (COMMANDS[name] as () => Promise<Register>)()));
  for (const register of registers) register(program);
  return program;
}

/** Parse argv and run; resolves to the process exit code. The single catch-all of the CLI. */
export async function runCli(argv: readonly string[]): Promise<number> {
  const program = await buildProgram(argv);
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
