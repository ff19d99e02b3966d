// Keys of the foundation: where orch keeps its state.
import { str } from '../define.ts';

export const coreKeys = {
  ORCH_HOME: str({
    default: '.orch',
    doc: 'Folder for the SQLite store, task worktrees and run logs (relative to the working directory).',
    nonEmpty: true,
  }),
  ORCH_DATABASE_URL: str({
    default: '',
    doc: 'Empty: SQLite at $ORCH_HOME/orch.db. A file path or file: URL selects another SQLite file.',
    allowed: 'empty, a file path, or a file: URL',
  }),
} as const;
