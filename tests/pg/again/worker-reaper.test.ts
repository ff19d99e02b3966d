// The reaper, again on PostgreSQL: npm test runs the engine-dependent files on both engines.
import { runOnPostgres } from '../../helpers/backend.ts';

await runOnPostgres('../../worker/reaper.test.ts', import.meta.url);
