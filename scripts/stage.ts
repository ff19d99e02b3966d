// `tsx scripts/stage.ts [flags]` (= `npx orch stage`, = `npm run stage`): the operator's runner.
// The same command as `orch stage`, so flags, output and exit codes cannot drift apart. It runs
// the compiled CLI when dist/ is current (as bin/orch.js does): tsx then compiles only this file.
import { currentEntry } from '../bin/build-state.js';

type Program = typeof import('../src/cli/program.ts');
const compiled = currentEntry('program');
const { runCli } = (compiled ? await import(compiled) : await import('../src/cli/program.ts')) as Program;
process.exitCode = await runCli(['stage', ...process.argv.slice(2)]);
