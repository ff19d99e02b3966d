// A broken environment through the real bin: one line naming the path or key and the cause, exit 2,
// never a stack trace (ORCH_DEBUG=1 adds it), nothing hangs, a corrupt store is refused unwritten.
import { createHash } from 'node:crypto';
import { closeSync, mkdirSync, mkdtempSync, openSync, readFileSync, rmSync, statSync, writeFileSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import SQLite from 'better-sqlite3';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openSqliteStore } from '../../src/store/db.ts';
import { ensureWritableDir, sqliteFault } from '../../src/store/faults.ts';
import { openReadOnlyStore } from '../../src/store/read-only.ts';

const BIN = resolve(import.meta.dirname, '../../bin/orch.js');
let root: string;

beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'orch-env-'));
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** A folder of its own for one case. */
function dir(name: string): string {
  const path = join(root, name);
  mkdirSync(path, { recursive: true });
  return path;
}

/** The bin with a clean environment (no ORCH_* of the caller) plus `env`, in `cwd`. */
async function orch(cwd: string, argv: string[], env: Record<string, string> = {}) {
  const base = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('ORCH_')));
  const r = await execa(process.execPath, [BIN, ...argv], { cwd, env: { ...base, ...env }, extendEnv: false, reject: false, timeout: 30_000 });
  return { code: r.exitCode, stdout: String(r.stdout), stderr: String(r.stderr), timedOut: r.timedOut };
}

function oneLine(stderr: string): string {
  const lines = stderr.trim().split('\n');
  expect(lines).toHaveLength(1);
  expect(stderr).not.toMatch(/\n\s+at /);
  return lines[0] as string;
}

const sha = (path: string) => createHash('sha256').update(readFileSync(path)).digest('hex');

// Each case spawns the real bin (about 1.5 s of CPU): they run one after another, with room for a loaded machine.
describe('environment faults are one line and exit 2', () => {
  it('ORCH_HOME under a file: ENOTDIR, naming the key and its value', async () => {
    const cwd = dir('enotdir');
    writeFileSync(join(cwd, 'file'), 'x');
    const r = await orch(cwd, ['task', 'list'], { ORCH_HOME: join(cwd, 'file', 'home') });
    expect(r.code).toBe(2);
    expect(oneLine(r.stderr)).toBe(`orch: ORCH_HOME=${join(cwd, 'file', 'home')} is not writable (ENOTDIR)`);
  });

  it('ORCH_HOME=/proc/x fails at once instead of spinning', async () => {
    const r = await orch(dir('proc'), ['task', 'list'], { ORCH_HOME: '/proc/x' });
    expect(r.timedOut).toBe(false);
    expect(r.code).toBe(2);
    expect(oneLine(r.stderr)).toBe('orch: ORCH_HOME=/proc/x is not writable (ENOENT)');
  });

  it('ORCH_HOME where nobody may create a folder: EACCES (/sys refuses even root), checked in process', () => {
    expect(() => ensureWritableDir('/sys/orch-home', 'ORCH_HOME=/sys/orch-home')).toThrow(/^ORCH_HOME=\/sys\/orch-home is not writable \((EACCES|EPERM|EROFS)\)$/);
  });

  it('a .env that is a folder', async () => {
    const cwd = dir('envdir');
    mkdirSync(join(cwd, '.env'));
    const r = await orch(cwd, ['task', 'list']);
    expect(r.code).toBe(2);
    expect(oneLine(r.stderr)).toBe(`orch: ${join(cwd, '.env')} cannot be read as the .env file (EISDIR: it is a folder)`);
  });

  it('a garbage orch.db is not an orch store, and stays as it was', async () => {
    const cwd = dir('garbage');
    mkdirSync(join(cwd, '.orch'));
    const db = join(cwd, '.orch', 'orch.db');
    writeFileSync(db, 'this is not a database, just some text that is long enough to have a header\n'.repeat(20));
    const before = sha(db);
    const r = await orch(cwd, ['task', 'list']);
    expect(r.code).toBe(2);
    expect(oneLine(r.stderr)).toBe(`orch: ${db} is not an orch store (file is not a database)`);
    expect(sha(db)).toBe(before);
  });

  it('a host name that does not resolve', async () => {
    const r = await orch(dir('dns'), ['task', 'list'], { ORCH_DATABASE_URL: 'postgres://orch:secret@no-such-host.invalid:5432/orch' });
    expect(r.code).toBe(2);
    const line = oneLine(r.stderr);
    expect(line).toMatch(/^orch: cannot reach PostgreSQL at postgres:\/\/orch:\*\*\*@no-such-host\.invalid:5432\/orch: .*(ENOTFOUND|EAI_AGAIN)/);
    expect(line).not.toContain('secret');
  });

  it('ORCH_DEBUG=1 adds the stack under the same line', async () => {
    const r = await orch(dir('debug'), ['task', 'list'], { ORCH_HOME: '/proc/x', ORCH_DEBUG: '1' });
    expect(r.code).toBe(2);
    expect(r.stderr.split('\n')[0]).toBe('orch: ORCH_HOME=/proc/x is not writable (ENOENT)');
    expect(r.stderr).toMatch(/\n\s+at ensureWritableDir /);
  });

  it('a store with one corrupt page: the worker refuses it (quick_check) and writes nothing', async () => {
    const cwd = dir('corrupt');
    const db = join(cwd, '.orch', 'orch.db');
    await corruptStore(db);
    const before = sha(db);
    const r = await orch(cwd, ['worker', '--until-idle']);
    expect(r.code).toBe(2);
    expect(oneLine(r.stderr)).toMatch(new RegExp(`^orch: ${db.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')} is corrupt \\(.+\\)`));
    expect(sha(db)).toBe(before);
  });
});

describe('strict config through the bin', () => {
  it('every unknown key and every malformed .env line, one line each, in one run', async () => {
    const cwd = dir('strict');
    writeFileSync(join(cwd, '.env'), '# comment\nORCH_WORKR_POLL_S=1\nthis is not a pair\nDEPLOY_API_TOKEN=abc\nMULTI="one\ntwo"\n');
    const r = await orch(cwd, ['task', 'list'], { ORCH_WORKER_LEASE: '5', ORCH_HOME: join(cwd, 'h'), ORCH_TASK_ID: '3' });
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n')).toEqual([
      `orch: ${join(cwd, '.env')}:3: "this is not a pair" is not KEY=value (a comment starts with #)`,
      'orch: ORCH_WORKER_LEASE (environment) is not an orch config key; did you mean ORCH_WORKER_LEASE_S? (docs/configuration.md lists them)',
      `orch: ORCH_WORKR_POLL_S (${join(cwd, '.env')}) is not an orch config key; did you mean ORCH_WORKER_POLL_S? (docs/configuration.md lists them)`,
    ]);
  });
});

/** A real store with 500 rows of filler, then 100 bytes of garbage over one of its last pages. */
async function corruptStore(db: string): Promise<void> {
  await (await openSqliteStore(db)).close();
  const raw = new SQLite(db);
  raw.exec('create table filler (x text)');
  const insert = raw.prepare('insert into filler values (?)');
  for (let i = 0; i < 500; i += 1) insert.run(`${'x'.repeat(200)}${i}`);
  raw.pragma('wal_checkpoint(TRUNCATE)');
  raw.close();
  const pageSize = 4096;
  const fd = openSync(db, 'r+');
  writeSync(fd, Buffer.alloc(100, 0xab), 0, 100, (Math.floor(statSync(db).size / pageSize) - 3) * pageSize);
  closeSync(fd);
}

describe('opening a corrupt store in process', () => {
  it('orch serve (the read-only store) and orch doctor (the full check) refuse it, and leave it as it was', async () => {
    const db = join(dir('corrupt-ro'), 'orch.db');
    await corruptStore(db);
    const before = sha(db);
    const config = { ORCH_HOME: dirname(db), ORCH_DATABASE_URL: '' };
    await expect(openReadOnlyStore(config)).rejects.toThrow(new RegExp(`^${db.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')} is corrupt \\(`));
    await expect(openSqliteStore(db, { check: 'full' })).rejects.toMatchObject({ code: 'ORCH_ENVIRONMENT' });
    expect(sha(db)).toBe(before);
  });
});

describe('sqliteFault', () => {
  it('names a read-only store as read-only (root writes through file modes, so the flag stands in)', () => {
    const path = join(dir('ro'), 'orch.db');
    new SQLite(path).close();
    const ro = new SQLite(path, { readonly: true });
    let caught: unknown;
    try {
      ro.exec('create table t (x)');
    } catch (error) {
      caught = error;
    } finally {
      ro.close();
    }
    expect(sqliteFault(path, caught)?.message).toBe(`${path} is read-only (attempt to write a readonly database)`);
  });
});
