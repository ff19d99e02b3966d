// The merge_locks row lock, again on PostgreSQL: npm test runs the engine-dependent files on both
// engines.
import { runOnPostgres } from '../../helpers/backend.ts';

await runOnPostgres('../../merge/lock.test.ts', import.meta.url);
