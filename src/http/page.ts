// The live page of `orch serve` (GET /, GET /tasks/:id): server-rendered HTML, no build step, one
// small inline script that swaps in fresh fragments from the SSE stream (GET /events) and ticks
// the elapsed times. Everything printed goes through esc(); the page loads nothing from elsewhere
// (a strict Content-Security-Policy with a per-response nonce says so to the browser too).
import { closeSync, openSync, readSync, statSync } from 'node:fs';
import { basename } from 'node:path';
import { jobResult, jobTries, timeline } from '../views/task-views.ts';
import type { Config } from '../config/keys.ts';
import { STAGES } from '../core/stages.ts';
import { maskSecrets } from '../secrets/mask.ts';
import type { Store } from '../store/db.ts';
import { alertsForTask } from '../store/repos/alerts.ts';
import { gateResultsForTask, transitionsForTask } from '../store/repos/history.ts';
import { jobsForTask } from '../store/repos/jobs.ts';
import { runsForTask } from '../store/repos/runs.ts';
import { getTask } from '../store/repos/tasks.ts';
import type { Task } from '../store/schema.ts';
import { readQueue } from './queue.ts';
import type { QueueSnapshot, RunningEntry } from './queue-schema.ts';

/** How many finished tasks the board shows (newest first). */
export const DONE_SHOWN = 12;
/** How many lines of a running job's log the board shows. */
export const LOG_LINES = 6;
const LOG_BYTES = 4096;

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Text for HTML: every character that could open markup or end an attribute is escaped. */
export function esc(value: unknown): string {
  return String(value ?? '').replace(/[&<>"']/g, (c) => ESCAPES[c] as string);
}

/** `150000` -> `2m 30s`, for elapsed times; the script keeps them ticking. */
export function elapsedText(ms: number): string {
  const s = Math.max(0, Math.floor(ms / 1000));
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m ${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(m / 60)}h ${String(m % 60).padStart(2, '0')}m`;
}

/** The last lines of a log file (secrets masked, control characters dropped), or [] when it cannot be read. */
export function logTail(path: string | null, lines = LOG_LINES): string[] {
  if (path === null) return [];
  let fd: number | null = null;
  try {
    const size = statSync(path).size;
    const length = Math.min(size, LOG_BYTES);
    const buffer = Buffer.alloc(length);
    fd = openSync(path, 'r');
    readSync(fd, buffer, 0, length, size - length);
    const text = buffer.toString('utf8').replace(/\x1b\[[0-9;?]*[A-Za-z]/g, '').replace(/[\x00-\x08\x0b-\x1f\x7f]/g, '');
    return maskSecrets(text)
      .split(/\r?\n/)
      .map((l) => l.trimEnd())
      .filter((l) => l !== '')
      .slice(-lines);
  } catch {
    return [];
  } finally {
    if (fd !== null) closeSync(fd);
  }
}

export interface Board {
  readonly snapshot: QueueSnapshot;
  /** Open tasks, and the newest finished ones. */
  readonly tasks: readonly Task[];
  readonly doneTotal: number;
}

/** Everything the board shows, read in one go. */
export async function readBoard(store: Store, config: Config, now: Date = new Date()): Promise<Board> {
  const snapshot = await readQueue(store, config, now);
  const open = await store.db.selectFrom('tasks').selectAll().where('state', '!=', 'done').orderBy('id').execute();
  const done = await store.db.selectFrom('tasks').selectAll().where('state', '=', 'done').orderBy('updated_at', 'desc').orderBy('id', 'desc').limit(DONE_SHOWN).execute();
  return { snapshot, tasks: [...open, ...done], doneTotal: snapshot.queue.tasks.by_state.done ?? 0 };
}

const time = (iso: string | null, kind: 'since' | 'until', now: number): string => {
  if (iso === null) return '<span class="muted">-</span>';
  const ms = kind === 'since' ? now - Date.parse(iso) : Date.parse(iso) - now;
  const text = kind === 'since' ? elapsedText(ms) : ms <= 0 ? 'due' : `in ${elapsedText(ms)}`;
  return `<time datetime="${esc(iso)}" data-${kind}="${esc(iso)}" title="${esc(iso)}">${esc(text)}</time>`;
};

function repoName(repo: string): string {
  return basename(repo) || repo;
}

function stat(label: string, value: number, tone = ''): string {
  return `<div class="stat${tone ? ` ${tone}` : ''}"><span class="n">${esc(value)}</span><span class="l">${esc(label)}</span></div>`;
}

function section(id: string, title: string, count: number, body: string, empty: string): string {
  return `<section id="${esc(id)}" class="panel"><h2>${esc(title)} <span class="count">${esc(count)}</span></h2>${count === 0 ? `<p class="empty">${esc(empty)}</p>` : body}</section>`;
}

function runningCard(r: RunningEntry, task: Task | undefined, now: number): string {
  const lines = logTail(r.log_path);
  const log = lines.length > 0 ? `<pre class="log" title="${esc(r.log_path)}">${lines.map(esc).join('\n')}</pre>` : `<p class="muted small">${r.log_path ? `log ${esc(r.log_path)} (not readable here)` : 'no log yet'}</p>`;
  return `<article class="runcard" data-job="${esc(r.job_id)}">
<header><a class="tid" href="/tasks/${esc(r.task_id)}">#${esc(r.task_id)}</a> <strong>${esc(task?.title ?? r.branch)}</strong><span class="badge ${r.phase === 'merge-gate' ? 'gate' : 'run'}">${esc(r.phase === 'merge-gate' ? 'merge gate' : r.agent)}</span></header>
<p class="meta"><span>${esc(repoName(r.repo))}</span> · <code>${esc(r.branch)}</code> · ${esc(r.stage)} · job ${esc(r.job_id)} · ${time(r.started_at, 'since', now)}${r.lease_owner ? ` · <span class="muted" title="${esc(r.lease_owner)}">${esc(r.lease_owner.slice(0, 24))}</span>` : ''}</p>
${log}
</article>`;
}

function taskCard(t: Task, running: ReadonlySet<number>, deferred: ReadonlySet<number>): string {
  const flags = [
    t.state === 'blocked' ? '<span class="badge blocked">blocked</span>' : '',
    running.has(t.id) ? '<span class="badge run">running</span>' : '',
    deferred.has(t.id) ? '<span class="badge wait">deferred</span>' : '',
  ].join('');
  const why = t.state === 'blocked' && t.blocked_reason ? ` title="${esc(t.blocked_reason)}"` : '';
  return `<li class="card ${esc(t.state)}"${why}><a href="/tasks/${esc(t.id)}"><span class="tid">#${esc(t.id)}</span> ${esc(t.title)}</a><span class="where">${esc(repoName(t.repo))} · <code>${esc(t.branch)}</code></span>${flags ? `<span class="flags">${flags}</span>` : ''}</li>`;
}

/** The part of GET / that the stream replaces: everything below the page header. */
export function renderBoard(b: Board, now: number = Date.parse(b.snapshot.generated_at)): string {
  const q = b.snapshot;
  const byId = new Map(b.tasks.map((t) => [t.id, t]));
  const running = new Set(q.running.map((r) => r.task_id));
  const deferred = new Set(q.deferred.map((d) => d.task_id));
  const jobs = q.queue.jobs.by_state;
  const tasks = q.queue.tasks.by_state;
  const stats = `<section class="stats" aria-label="counters">
${stat('active', tasks.active ?? 0)}${stat('blocked', tasks.blocked ?? 0, (tasks.blocked ?? 0) > 0 ? 'bad' : '')}${stat('done', tasks.done ?? 0, 'good')}
<span class="sep"></span>${stat('queued', jobs.queued ?? 0)}${stat('running', q.running.length, q.running.length > 0 ? 'run' : '')}${stat('deferred', jobs.deferred ?? 0, (jobs.deferred ?? 0) > 0 ? 'wait' : '')}
<span class="sep"></span>${stat('open alerts', q.alerts.open, q.alerts.open > 0 ? 'bad' : '')}
</section>`;

  const openAlerts = q.alerts.recent.filter((a) => a.resolved_at === null);
  const alerts =
    q.alerts.open === 0
      ? ''
      : section(
          'alerts',
          'Open alerts',
          q.alerts.open,
          `<ul class="alerts">${openAlerts
            .map(
              (a) =>
                `<li><span class="badge bad">${esc(a.kind)}</span> ${a.task_id === null ? '' : `<a class="tid" href="/tasks/${esc(a.task_id)}">#${esc(a.task_id)}</a> `}${esc(a.message)} <span class="muted small">alert ${esc(a.id)} · ${time(a.created_at, 'since', now)} ago · <code>orch alerts resolve ${esc(a.id)}</code></span></li>`,
            )
            .join('')}</ul>${q.alerts.open > openAlerts.length ? `<p class="muted small">${esc(q.alerts.open - openAlerts.length)} older open alert(s): <code>orch alerts</code></p>` : ''}`,
          '',
        );

  const runningHtml = section('running', 'Running', q.running.length, `<div class="runs">${q.running.map((r) => runningCard(r, byId.get(r.task_id), now)).join('')}</div>`, 'nothing is running');

  const deferredHtml = section(
    'deferred',
    'Deferred',
    q.deferred.length,
    `<table><thead><tr><th>task</th><th>stage</th><th>agent</th><th>next run</th><th>cause</th></tr></thead><tbody>${q.deferred
      .map(
        (d) =>
          `<tr><td><a class="tid" href="/tasks/${esc(d.task_id)}">#${esc(d.task_id)}</a> <code>${esc(d.branch)}</code></td><td>${esc(d.stage)}</td><td>${esc(d.agent)}</td><td>${time(d.not_before, 'until', now)}</td><td class="cause">${esc(d.cause ?? '-')}</td></tr>`,
      )
      .join('')}</tbody></table>`,
    'no deferred jobs',
  );

  const locksHtml =
    q.merge_locks.length === 0
      ? ''
      : section(
          'locks',
          'Merge locks',
          q.merge_locks.length,
          `<table><thead><tr><th>repo</th><th>task</th><th>holder</th><th>held</th></tr></thead><tbody>${q.merge_locks
            .map((l) => `<tr><td title="${esc(l.repo)}">${esc(repoName(l.repo))}</td><td>${l.task_id === null ? '-' : `<a class="tid" href="/tasks/${esc(l.task_id)}">#${esc(l.task_id)}</a>`}</td><td><code>${esc(l.holder)}</code></td><td>${time(l.since, 'since', now)}</td></tr>`)
            .join('')}</tbody></table>`,
          '',
        );

  const columns = STAGES.map((stage) => {
    const here = b.tasks.filter((t) => t.stage === stage && (stage === 'done') === (t.state === 'done'));
    const more = stage === 'done' && b.doneTotal > here.length ? `<li class="more">+ ${esc(b.doneTotal - here.length)} earlier</li>` : '';
    const count = stage === 'done' ? b.doneTotal : here.length;
    return `<div class="col${here.length === 0 ? ' none' : ''}" data-stage="${esc(stage)}"><h3>${esc(stage)} <span class="count">${esc(count)}</span></h3><ul>${here.map((t) => taskCard(t, running, deferred)).join('')}${more}</ul></div>`;
  }).join('');
  const board = `<section id="board" class="panel"><h2>Tasks <span class="count">${esc(b.tasks.length === 0 ? 0 : (tasks.active ?? 0) + (tasks.blocked ?? 0))} open</span></h2>${b.tasks.length === 0 ? '<p class="empty">no tasks yet: <code>orch task add --repo DIR --branch B --title T</code></p>' : `<div class="cols">${columns}</div>`}</section>`;

  const sr = q.staging_runner;
  const mg = q.merge_gate;
  const counters = `<section id="counters" class="panel"><h2>Counters</h2><div class="counters">
<div><h3>staging runner ${sr.enabled ? '' : '<span class="badge">off</span>'}</h3><dl class="kv">${[['runs', sr.runs], ['passed', sr.passed], ['failed', sr.failed], ['tool errors', sr.tool_errors], ['deferred', sr.deferred], ['exhausted', sr.exhausted], ['fallbacks', sr.fallbacks]].map(([k, v]) => `<div><dt>${esc(k)}</dt><dd>${esc(v)}</dd></div>`).join('')}</dl></div>
<div><h3>merge gate</h3>${mg.counters === null ? '<p class="muted small">metrics off (ORCH_MERGE_METRICS_ENABLED=false)</p>' : `<dl class="kv">${Object.entries(mg.counters).map(([k, v]) => `<div><dt>${esc(k.replace(/_/g, ' '))}</dt><dd>${esc(v)}</dd></div>`).join('')}</dl>`}</div>
</div></section>`;

  return `${stats}${alerts}${runningHtml}${board}${deferredHtml}${locksHtml}${counters}<p class="stamp muted small">snapshot ${esc(q.generated_at)}</p>`;
}

/** The timeline part of GET /tasks/:id (replaced live like the board). */
export async function renderTaskBody(store: Store, id: number): Promise<string> {
  const db = store.db;
  const task = await getTask(db, id);
  const [jobs, transitions, gateResults, runs, alerts] = await Promise.all([jobsForTask(db, id), transitionsForTask(db, id), gateResultsForTask(db, id), runsForTask(db, id), alertsForTask(db, id)]);
  const record = { task, jobs, transitions, gateResults, runs, alerts };
  const tries = jobTries(jobs);
  const events = timeline(record);
  const head = `<section class="panel"><h2 class="title"><span class="tid">#${esc(task.id)}</span> ${esc(task.title)} <span class="badge ${esc(task.state === 'blocked' ? 'blocked' : task.state === 'done' ? 'good' : 'run')}">${esc(task.state)}</span></h2>
<dl class="facts"><dt>repo</dt><dd><code>${esc(task.repo)}</code></dd><dt>branch</dt><dd><code>${esc(task.branch)}</code> (base <code>${esc(task.base)}</code>)</dd><dt>stage</dt><dd>${esc(task.stage)}</dd>${task.blocked_reason ? `<dt>blocked</dt><dd class="bad">${esc(task.blocked_reason)}</dd>` : ''}${task.validated_sha ? `<dt>tested</dt><dd><code>${esc(task.validated_sha)}</code></dd>` : ''}</dl></section>`;
  const jobsHtml = section(
    'jobs',
    'Jobs',
    jobs.length,
    `<table><thead><tr><th>job</th><th>stage</th><th>agent</th><th>try</th><th>result</th><th>finished</th></tr></thead><tbody>${jobs
      .map((j) => `<tr class="${esc(j.state)}"><td>${esc(j.id)}</td><td>${esc(j.stage)}</td><td>${esc(j.agent)}</td><td>${esc(tries.get(j.id) ?? 1)}</td><td>${esc(jobResult(j))}</td><td>${esc(j.finished_at ?? (j.state === 'deferred' ? `not before ${j.not_before ?? '-'}` : '-'))}</td></tr>`)
      .join('')}</tbody></table>`,
    'no jobs',
  );
  const timelineHtml = section(
    'timeline',
    'Timeline',
    events.length,
    `<ol class="timeline">${events.map((e) => `<li class="${esc(e.kind)}"><time datetime="${esc(e.at)}">${esc(e.at.replace('T', ' ').replace(/\.\d+Z$/, 'Z'))}</time><span class="kind">${esc(e.kind)}</span><span class="text">${esc(e.text)}</span></li>`).join('')}</ol>`,
    'nothing recorded yet',
  );
  return `${head}${jobsHtml}${timelineHtml}`;
}

const STYLE = `
:root{--bg:#f5f6f8;--panel:#fff;--ink:#1d2330;--muted:#6b7385;--line:#e3e6ec;--accent:#2f6fed;--run:#1a7f5a;--run-bg:#e3f5ec;--wait:#9a6700;--wait-bg:#fff4d6;--bad:#c2362b;--bad-bg:#fde8e6;--good:#4b5563;--gate:#7c3aed;--gate-bg:#efe7ff}
@media (prefers-color-scheme:dark){:root{--bg:#0f1217;--panel:#171b22;--ink:#e6e9ef;--muted:#9099ab;--line:#262c36;--accent:#6d9bff;--run:#3ecf8e;--run-bg:#12291f;--wait:#e3b341;--wait-bg:#2c2410;--bad:#ff7b72;--bad-bg:#33181a;--good:#a3acbd;--gate:#b69cff;--gate-bg:#241c3a}}
*{box-sizing:border-box}
body{margin:0;font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;background:var(--bg);color:var(--ink)}
a{color:var(--accent);text-decoration:none}a:hover{text-decoration:underline}
code,pre{font:12px/1.4 ui-monospace,SFMono-Regular,Menlo,Consolas,monospace}
.top{position:sticky;top:0;z-index:2;display:flex;align-items:center;gap:12px;padding:10px 20px;background:var(--panel);border-bottom:1px solid var(--line)}
.top h1{font-size:16px;margin:0;letter-spacing:.02em}.top h1 a{color:inherit}
.top .where{color:var(--muted);font-size:12px;overflow:hidden;text-overflow:ellipsis;white-space:nowrap}
#dot{margin-left:auto;display:inline-flex;align-items:center;gap:6px;font-size:12px;color:var(--muted)}
#dot::before{content:"";width:8px;height:8px;border-radius:50%;background:var(--muted)}
#dot.live::before{background:var(--run);box-shadow:0 0 0 3px var(--run-bg)}#dot.stale::before{background:var(--bad)}
main{padding:16px 20px 40px;max-width:1600px;margin:0 auto;display:flex;flex-direction:column;gap:14px}
.stats{display:flex;flex-wrap:wrap;gap:8px;align-items:stretch}
.stat{background:var(--panel);border:1px solid var(--line);border-radius:8px;padding:6px 12px;min-width:84px;display:flex;flex-direction:column}
.stat .n{font-size:20px;font-weight:650;font-variant-numeric:tabular-nums}.stat .l{font-size:11px;color:var(--muted);text-transform:uppercase;letter-spacing:.05em}
.stat.bad .n{color:var(--bad)}.stat.run .n{color:var(--run)}.stat.wait .n{color:var(--wait)}
.sep{width:1px;background:var(--line);margin:4px 4px}
.panel{background:var(--panel);border:1px solid var(--line);border-radius:10px;padding:12px 14px}
.panel h2{font-size:13px;margin:0 0 10px;text-transform:uppercase;letter-spacing:.06em;color:var(--muted);font-weight:650}
.count{display:inline-block;min-width:20px;padding:0 6px;border-radius:10px;background:var(--bg);color:var(--muted);font-size:11px;text-align:center;font-weight:600;letter-spacing:0}
.empty,.muted{color:var(--muted)}.small{font-size:12px}.empty{margin:0}
.badge{display:inline-block;padding:1px 7px;border-radius:10px;font-size:11px;font-weight:600;background:var(--bg);color:var(--muted);margin-left:6px;white-space:nowrap}
.badge.run{background:var(--run-bg);color:var(--run)}.badge.wait{background:var(--wait-bg);color:var(--wait)}.badge.bad,.badge.blocked{background:var(--bad-bg);color:var(--bad)}.badge.gate{background:var(--gate-bg);color:var(--gate)}.badge.good{color:var(--good)}
.tid{font-weight:650;color:var(--muted);font-variant-numeric:tabular-nums}
.runs{display:grid;grid-template-columns:repeat(auto-fill,minmax(380px,1fr));gap:10px}
.runcard{border:1px solid var(--line);border-left:3px solid var(--run);border-radius:8px;padding:8px 10px;min-width:0}
.runcard header{display:flex;align-items:baseline;gap:6px}.runcard header strong{overflow:hidden;text-overflow:ellipsis;white-space:nowrap;flex:1}
.runcard .meta{margin:4px 0 6px;color:var(--muted);font-size:12px}
.log{margin:0;padding:6px 8px;background:var(--bg);border-radius:6px;max-height:8.5em;overflow:hidden;white-space:pre-wrap;word-break:break-all;color:var(--ink)}
.cols{display:grid;grid-template-columns:repeat(9,minmax(0,1fr));gap:8px}
.col{background:var(--bg);border-radius:8px;padding:8px;min-width:0}
.col h3{margin:0 0 6px;font-size:12px;font-weight:650;display:flex;justify-content:space-between;align-items:center;color:var(--ink)}
.col ul{list-style:none;margin:0;padding:0;display:flex;flex-direction:column;gap:6px}
.col.none h3{color:var(--muted)}
.card{background:var(--panel);border:1px solid var(--line);border-radius:6px;padding:6px 8px;display:flex;flex-direction:column;gap:2px;min-width:0}
.card a{color:var(--ink);font-weight:550;overflow:hidden;text-overflow:ellipsis;display:-webkit-box;-webkit-line-clamp:2;-webkit-box-orient:vertical}
.card .where{color:var(--muted);font-size:11px;overflow:hidden;text-overflow:ellipsis;white-space:nowrap}
.card .flags .badge{margin:2px 4px 0 0}.card.blocked{border-color:var(--bad);background:var(--bad-bg)}.card.done a{color:var(--muted);font-weight:500}
.more{font-size:11px;color:var(--muted);padding:2px 4px}
table{width:100%;border-collapse:collapse;font-size:13px}th{text-align:left;font-weight:600;color:var(--muted);font-size:11px;text-transform:uppercase;letter-spacing:.05em;border-bottom:1px solid var(--line);padding:4px 8px}
td{border-bottom:1px solid var(--line);padding:5px 8px;vertical-align:top}tr:last-child td{border-bottom:0}.cause{color:var(--ink);word-break:break-word}
.alerts{list-style:none;margin:0;padding:0;display:flex;flex-direction:column;gap:6px}.alerts li{padding:6px 8px;border-radius:6px;background:var(--bad-bg)}.alerts .badge{margin:0 6px 0 0}
.counters{display:grid;grid-template-columns:repeat(auto-fit,minmax(260px,1fr));gap:14px}.counters h3{font-size:12px;margin:0 0 6px}
dl{margin:0}dl.kv{display:grid;grid-template-columns:repeat(auto-fill,minmax(92px,1fr));gap:6px 12px}dl.kv div{display:flex;flex-direction:column}dt{font-size:11px;color:var(--muted)}dd{margin:0;font-weight:650;font-variant-numeric:tabular-nums}
dl.facts{display:grid;grid-template-columns:max-content 1fr;gap:4px 14px;align-items:baseline}dl.facts dd{font-weight:400}
.panel h2.title{text-transform:none;letter-spacing:0;font-size:18px;color:var(--ink);display:flex;align-items:center;gap:6px;flex-wrap:wrap}dd.bad{color:var(--bad)}
.timeline{list-style:none;margin:0;padding:0}.timeline li{display:grid;grid-template-columns:180px 80px 1fr;gap:8px;padding:4px 0;border-bottom:1px solid var(--line);font-size:13px}
.timeline time{color:var(--muted);font:12px ui-monospace,monospace}.timeline .kind{font-size:11px;text-transform:uppercase;color:var(--muted);letter-spacing:.05em}.timeline .rollback .text,.timeline li.alert .text{color:var(--bad)}
.stamp{text-align:right;margin:0}
@media (max-width:1100px){.cols{grid-template-columns:repeat(3,minmax(0,1fr))}}
@media (max-width:700px){main{padding:10px}.cols{grid-template-columns:1fr}.col.none{display:none}.runs{grid-template-columns:1fr}.sep{display:none}.stat{min-width:70px;flex:1}.timeline li{grid-template-columns:1fr}th:nth-child(3),td:nth-child(3){display:none}}
`;

const SCRIPT = `(()=>{
const live=document.getElementById('live'),dot=document.getElementById('dot');
const fmt=(ms)=>{const s=Math.max(0,Math.floor(ms/1000));if(s<60)return s+'s';const m=Math.floor(s/60);if(m<60)return m+'m '+String(s%60).padStart(2,'0')+'s';return Math.floor(m/60)+'h '+String(m%60).padStart(2,'0')+'m';};
const tick=()=>{const now=Date.now();
for(const t of live.querySelectorAll('time[data-since]'))t.textContent=fmt(now-Date.parse(t.dataset.since));
for(const t of live.querySelectorAll('time[data-until]')){const ms=Date.parse(t.dataset.until)-now;t.textContent=ms<=0?'due':'in '+fmt(ms);}};
setInterval(tick,1000);tick();
if(!window.EventSource||!live.dataset.events)return;
const es=new EventSource(live.dataset.events);
es.addEventListener('board',(e)=>{live.innerHTML=e.data;tick();dot.className='live';dot.lastChild.textContent='live';});
es.addEventListener('open',()=>{dot.className='live';dot.lastChild.textContent='live';});
es.addEventListener('error',()=>{dot.className='stale';dot.lastChild.textContent='reconnecting';});
})();`;

/** The Content-Security-Policy of every page: nothing from elsewhere, only our own inline style and the nonced script. */
export function pageCsp(nonce: string): string {
  return `default-src 'none'; style-src 'unsafe-inline'; script-src 'nonce-${nonce}'; connect-src 'self'; img-src 'self' data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'`;
}

/** A whole page: header, the live part (replaced by the stream at `events`), the script. */
export function renderPage(opts: { title: string; heading: string; body: string; events: string; nonce: string; where?: string }): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>${esc(opts.title)}</title><link rel="icon" href="data:,"><style>${STYLE}</style></head>
<body><header class="top"><h1><a href="/">orch</a></h1><span class="where">${opts.heading}</span><span id="dot" class="stale"><span>connecting</span></span></header>
<main id="live" data-events="${esc(opts.events)}">${opts.body}</main>
<script nonce="${esc(opts.nonce)}">${SCRIPT}</script></body></html>`;
}

export { esc as escapeHtml };
