// The live page of orch serve, in real headless Chromium (Debian's chromium, driven by
// playwright-core with its executable path: no browser download): a queued task, then its running
// job with its log, then its result, without a reload. The run writes screenshots of a busy board
// at two widths to test-output/screenshots/ (ignored by git) for a person to review.
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { esc } from '../../src/http/page.ts';
import { startServer, type RunningServer } from '../../src/http/serve.ts';
import { raiseAlert } from '../../src/store/repos/alerts.ts';
import { insertJob } from '../../src/store/repos/jobs.ts';
import { insertTask } from '../../src/store/repos/tasks.ts';
import type { Stage } from '../../src/core/stages.ts';
import { makePipelineEnv, type PipelineEnv } from '../helpers/pipeline.ts';

const SHOTS = resolve(import.meta.dirname, '../../test-output/screenshots');
const TOKEN = 'page-token-7f3e2a';

/** Debian's chromium (or CHROMIUM_PATH): .ci/run installs it when it is missing. */
function chromiumPath(): string {
  const candidates = [process.env.CHROMIUM_PATH, '/usr/bin/chromium', '/usr/bin/chromium-browser'].filter((p): p is string => !!p);
  const found = candidates.find((p) => existsSync(p));
  if (!found) throw new Error(`no Chromium at ${candidates.join(', ')}: apt-get install chromium (.ci/run does it)`);
  return found;
}

let env: PipelineEnv;
let server: RunningServer;
let browser: Browser;
let logs: string;

beforeAll(async () => {
  env = await makePipelineEnv();
  logs = mkdtempSync(join(tmpdir(), 'orch-page-logs-'));
  server = await startServer(env.config, { host: '127.0.0.1', port: 0 }, false, { liveIntervalMs: 150 });
  browser = await chromium.launch({ executablePath: chromiumPath(), args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'] });
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
  await env?.cleanup();
  if (logs) rmSync(logs, { recursive: true, force: true });
});

describe('the live page in Chromium', () => {
  it('shows a queued task, then its running job with its log, then its result, without a reload', async () => {
    const id = await env.add({ title: 'Greet in <b>bold</b> & "quotes"' });
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    const problems: string[] = [];
    page.on('console', (m) => m.type() === 'error' && problems.push(m.text()));
    page.on('pageerror', (e) => problems.push(e.message));
    await page.goto(`${server.url}/`);
    // The title is shown as text, not markup.
    const card = page.locator(`#board .col[data-stage="analysis"] .card a[href="/tasks/${id}"]`);
    await card.waitFor();
    expect(await card.textContent()).toBe(`#${id} Greet in <b>bold</b> & "quotes"`);
    await page.locator('#dot.live').waitFor();
    await page.evaluate(() => ((globalThis as unknown as { marker: number }).marker = 42));

    // The worker claims the job and its agent writes a log.
    const log = join(logs, 'job-1-analyst.log');
    writeFileSync(log, 'reading the issue\nwriting 01-analysis.md\n');
    await env.store.db
      .updateTable('jobs')
      .set({ state: 'running', started_at: new Date(Date.now() - 95_000).toISOString(), lease_owner: 'worker-a', detail: JSON.stringify({ run: { pid: 1, runId: 'r', logPath: log } }) })
      .where('task_id', '=', id)
      .execute();
    const run = page.locator('#running article.runcard');
    await run.waitFor();
    expect(await run.locator('.log').textContent()).toBe('reading the issue\nwriting 01-analysis.md');
    expect(await run.locator('time').textContent()).toMatch(/^1m 3\ds$/);
    expect(await card.locator('xpath=..').locator('.badge.run').count()).toBe(1);

    // The job ends and the task moves on: the card changes column, nothing runs.
    await env.store.db.updateTable('jobs').set({ state: 'succeeded', finished_at: new Date().toISOString(), outcome: 'exit-0' }).where('task_id', '=', id).execute();
    await env.store.db.updateTable('tasks').set({ stage: 'architecture' }).where('id', '=', id).execute();
    await page.locator(`#board .col[data-stage="architecture"] .card a[href="/tasks/${id}"]`).waitFor();
    await page.locator('#running p.empty').waitFor();
    expect(await page.evaluate(() => (globalThis as unknown as { marker?: number }).marker)).toBe(42);

    // The task's own page: its timeline, escaped.
    await page.goto(`${server.url}/tasks/${id}`);
    expect(await page.locator('.panel h2.title').textContent()).toContain('Greet in <b>bold</b>');
    expect(await page.locator('#jobs tbody tr').count()).toBe(1);
    expect(await page.locator('#timeline li.job .text').first().textContent()).toBe(`job 1 analyst on analysis (attempt 1): succeeded (exit-0)`);
    expect(problems).toEqual([]);
    await page.close();
  });

  it('a board of 50 tasks reads at a glance: screenshots at two widths for review', async () => {
    await seedBusyBoard(env, logs);
    mkdirSync(SHOTS, { recursive: true });
    for (const [name, width, height] of [['board-wide', 1440, 1100], ['board-narrow', 420, 900]] as const) {
      const page = await browser.newPage({ viewport: { width, height }, colorScheme: 'light' });
      await page.goto(`${server.url}/`);
      await page.locator('#dot.live').waitFor();
      await page.locator('#alerts li').first().waitFor();
      expect(await page.locator('#board .card').count()).toBeGreaterThanOrEqual(50);
      // Nothing spills sideways: the page is as wide as the window.
      expect(await page.evaluate(() => (globalThis as unknown as { document: { documentElement: { scrollWidth: number } } }).document.documentElement.scrollWidth)).toBeLessThanOrEqual(width);
      await page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: name === 'board-narrow' ? false : true });
      await page.close();
    }
    const task = await browser.newPage({ viewport: { width: 1100, height: 800 } });
    await task.goto(`${server.url}/tasks/1`);
    await task.screenshot({ path: join(SHOTS, 'task.png'), fullPage: true });
    await task.close();
    expect(existsSync(join(SHOTS, 'board-wide.png'))).toBe(true);
  });
});

describe('GET / over HTTP', () => {
  it('is HTML with a strict CSP, loads nothing from elsewhere, and escapes what it prints', async () => {
    const res = await fetch(`${server.url}/`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8');
    const csp = res.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("default-src 'none'");
    expect(csp).toMatch(/script-src 'nonce-[A-Za-z0-9+/=]+'/);
    const html = await res.text();
    expect(html).not.toMatch(/(src|href)="(https?:)?\/\//);
    expect(html.match(/<script/g)).toHaveLength(1);
    expect(html).not.toContain('<b>bold</b>');
    expect(esc(`<img src=x onerror="a('b')">&`)).toBe('&lt;img src=x onerror=&quot;a(&#39;b&#39;)&quot;&gt;&amp;');
  });

  it('a task that does not exist is a 404 page; a bad id a 400', async () => {
    expect((await fetch(`${server.url}/tasks/9999`)).status).toBe(404);
    expect((await fetch(`${server.url}/tasks/abc`)).status).toBe(400);
    expect((await fetch(`${server.url}/events?task=x`)).status).toBe(400);
  });

  it('the page and its stream need the bearer token when one is set, like /queue', async () => {
    const guarded = await startServer({ ...env.config, ORCH_HTTP_TOKEN: TOKEN }, { host: '127.0.0.1', port: 0 }, false);
    try {
      for (const path of ['/', '/tasks/1', '/events']) expect((await fetch(`${guarded.url}${path}`)).status).toBe(401);
      const ok = await fetch(`${guarded.url}/`, { headers: { authorization: `Bearer ${TOKEN}` } });
      expect(ok.status).toBe(200);
    } finally {
      await guarded.close();
    }
  });
});

/** 50 more tasks across stages and repos, with runs, deferrals, a lock, blocked tasks and alerts. */
async function seedBusyBoard(e: PipelineEnv, logDir: string): Promise<void> {
  const db = e.store.db;
  const repos = ['/srv/repos/api', '/srv/repos/web', '/srv/repos/billing'];
  const stages: Stage[] = ['analysis', 'architecture', 'development', 'development', 'review', 'testing', 'deploy-staging', 'deploy', 'post-deploy', 'done'];
  const titles = ['Rate-limit the login endpoint', 'Show invoice totals with tax', 'Retry webhooks with backoff', 'Add dark mode toggle', 'Paginate the audit log', 'Fix timezone in weekly report', 'Cache product search', 'Upgrade the PDF renderer', 'Validate IBAN on save', 'Export orders as CSV'];
  const now = Date.now();
  for (let i = 0; i < 50; i++) {
    const stage = stages[i % stages.length] as Stage;
    const t = await insertTask(db, { repo: repos[i % repos.length] as string, branch: `feature/${(titles[i % titles.length] as string).toLowerCase().replace(/[^a-z]+/g, '-').slice(0, 24)}-${i}`, base: 'main', title: titles[i % titles.length] as string, stage });
    if (stage === 'done') await db.updateTable('tasks').set({ state: 'done' }).where('id', '=', t.id).execute();
    else if (i % 13 === 4) await db.updateTable('tasks').set({ state: 'blocked', blocked_reason: 'job failed 3 time(s): agent exited with code 1' }).where('id', '=', t.id).execute();
    else if (i % 9 === 2) await insertJob(db, { taskId: t.id, stage, agent: 'developer', notBefore: new Date(now + 240_000).toISOString(), detail: { result: { reason: i % 2 ? 'agent command not found: claude' : 'the staging suite timed out after 900 s' } } });
    else if (i % 7 === 1) {
      const log = join(logDir, `job-${t.id}.log`);
      writeFileSync(log, ['> npm test', '', ' RUN  v4.1.12', ' ✓ tests/api/login.test.ts (12 tests) 812ms', ' ✓ tests/api/limits.test.ts (7 tests) 301ms', ` ❯ tests/api/webhooks.test.ts ${i}/20`].join('\n'));
      const job = await insertJob(db, { taskId: t.id, stage, agent: stage === 'deploy-staging' ? 'staging-runner' : 'developer' });
      await db.updateTable('jobs').set({ state: 'running', started_at: new Date(now - (i + 1) * 17_000).toISOString(), lease_owner: `worker-${i % 3}`, detail: JSON.stringify({ run: { logPath: log } }) }).where('id', '=', job.id).execute();
    } else await insertJob(db, { taskId: t.id, stage, agent: 'developer' });
  }
  const gating = await insertTask(db, { repo: '/srv/repos/web', branch: 'feature/checkout-redesign', base: 'main', title: 'Checkout redesign', stage: 'deploy-staging' });
  await insertJob(db, { taskId: gating.id, stage: 'deploy-staging', agent: 'staging-runner' });
  await db.updateTable('jobs').set({ state: 'succeeded' }).where('task_id', '=', gating.id).execute();
  await db.insertInto('merge_locks').values({ repo: '/srv/repos/web', holder: 'merge-gate:worker-1:7', task_id: gating.id, acquired_at: new Date(now - 14_000).toISOString(), expires_at: new Date(now + 900_000).toISOString() }).execute();
  await raiseAlert(db, { taskId: null, kind: 'agent-command-not-found', dedupeKey: 'page-a', message: 'agent command not found: claude (ORCH_AGENT_CMD): jobs wait 300 s and try again; install it or fix ORCH_AGENT_CMD' });
  await raiseAlert(db, { taskId: 5, kind: 'job-failed', dedupeKey: 'page-b', message: 'task 5 blocked on review: job 9 (reviewer) failed 3 time(s); `orch task retry 5` re-queues it' });
}
