// `orch alerts [--all] [--json]` and `orch alerts resolve ID`: what needs an operator, and saying
// it was dealt with. Resolving marks the row (resolved_at); nothing is deleted.
import type { Command } from 'commander';
import { NotFoundError } from '../../errors.ts';
import { getAlert, listAlerts, resolveAlert } from '../../store/repos/alerts.ts';
import type { Alert } from '../../store/schema.ts';
import { parseTaskId, printJson, printLine, withStore } from '../context.ts';
import type { Register } from '../program.ts';
import { detailValue } from '../../util/json.ts';
import { renderTable } from '../../util/table.ts';

/** An alert as JSON: the row, with its detail parsed (a detail that is not JSON stays text). */
export function alertJson(a: Alert): object {
  return { id: a.id, task_id: a.task_id, kind: a.kind, message: a.message, detail: detailValue(a.detail), created_at: a.created_at, resolved_at: a.resolved_at };
}

export function alertTable(alerts: readonly Alert[], all: boolean): string {
  const header = ['ID', 'TASK', 'KIND', 'RAISED', ...(all ? ['RESOLVED'] : []), 'MESSAGE'];
  const rows = alerts.map((a) => [String(a.id), a.task_id === null ? '-' : String(a.task_id), a.kind, a.created_at, ...(all ? [a.resolved_at ?? 'open'] : []), a.message]);
  return renderTable(header, rows);
}

export const registerAlerts: Register = (program: Command) => {
  const alerts = program
    .command('alerts')
    .description('list open alerts (--all: resolved ones too); `orch alerts resolve ID` marks one dealt with')
    .option('--all', 'resolved alerts too')
    .option('--json', 'print the alerts as a JSON array')
    .action(async (o: { all?: boolean; json?: boolean }) => {
      await withStore(async ({ store }) => {
        const rows = await listAlerts(store.db, { all: o.all === true });
        if (o.json) return printJson(rows.map(alertJson));
        if (rows.length === 0) return printLine(o.all ? 'no alerts' : 'no open alerts (`orch alerts --all` lists resolved ones too)');
        printLine(alertTable(rows, o.all === true));
      });
    });

  alerts
    .command('resolve')
    .description('mark an alert resolved (the row stays, with the time)')
    .argument('<id>', 'alert id (from `orch alerts`)')
    .option('--json', 'print the alert as JSON')
    .action(async (rawId: string, o: { json?: boolean }) => {
      const id = parseTaskId(rawId, 'alert id');
      await withStore(async ({ store }) => {
        const before = await getAlert(store.db, id);
        if (!before) throw new NotFoundError(`alert ${id} does not exist (\`orch alerts --all\` lists them)`);
        const changed = await resolveAlert(store.db, id);
        const after = (await getAlert(store.db, id)) ?? before;
        if (o.json) return printJson(alertJson(after));
        printLine(changed ? `alert ${id} resolved: ${after.kind}: ${after.message}` : `alert ${id} was already resolved at ${after.resolved_at}`);
      });
    });
};
