// Keys of the foundation: where orch keeps its state.
import { bool, str } from '../define.ts';

export const coreKeys = {
  ORCH_HOME: str({
    default: '.orch',
    doc: 'Folder for the SQLite store (unless ORCH_DATABASE_URL names another), task worktrees and run logs (relative to the working directory).',
    nonEmpty: true,
  }),
  ORCH_DATABASE_URL: str({
    default: '',
    doc: 'Empty: SQLite at $ORCH_HOME/orch.db. A file path or file: URL selects another SQLite file; a postgres:// URL selects PostgreSQL (workers on many machines).',
    allowed: 'empty, a file path, a file: URL, or a postgres:// or postgresql:// URL',
  }),
  ORCH_DEBUG: bool({
    default: 'false',
    doc: 'true: an error that stops a command prints its stack under the one-line message.',
  }),
} as const;
