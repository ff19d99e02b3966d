// Real worker processes (a worker killed with SIGKILL mid-job: another reaps and finishes its
// job), again on PostgreSQL: npm test runs the engine-dependent files on both engines.
import { runOnPostgres } from '../../helpers/backend.ts';

await runOnPostgres('../../worker/processes.e2e.test.ts', import.meta.url);
