// `tsx scripts/stage.ts [flags]` (= `npx orch stage`, = `npm run stage`): the operator's runner.
// The same command as `orch stage`, so flags, output and exit codes cannot drift apart.
import { runCli } from '../src/cli/program.ts';

process.exitCode = await runCli(['stage', ...process.argv.slice(2)]);
