// Setup file of every test file (vitest.config.ts, setupFiles): what helpers cached for the file
// is removed after it, on every path (afterAll runs after failed and timed-out tests too).
import { afterAll } from 'vitest';
import { disposeFileScoped } from '../helpers/file-scoped.ts';

afterAll(disposeFileScoped);
