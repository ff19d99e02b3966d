// Mutation tests of the acceptance list, registry side (and the regression markers): each changes one thing in a temp copy of
// this repo and expects `orch drift` to exit 1 with a message naming the file, the block and the
// entry. (The scanner side is in mutations-scan.e2e.test.ts: two files run in parallel.)
import { afterEach, describe, expect, it } from 'vitest';
import { cleanCopyOf, driftJson, enable, only, tempRepos, type TempRepo } from './helpers.ts';

const { fresh, cleanup } = tempRepos();
const cleanCopy = (base: TempRepo) => cleanCopyOf(fresh, base);
afterEach(cleanup);

describe('orch drift catches each registry mutation', () => {
  it('an edge added to STAGE_TRANSITIONS', async () => {
    const r = fresh();
    r.edit('src/core/transitions.ts', "['review', 'testing', 'deploy-staging', 'post-deploy']", "['review', 'testing', 'deploy-staging', 'deploy', 'post-deploy']");
    const { code, diagnostics } = await driftJson(r.root);
    expect(code).toBe(1);
    expect(only(diagnostics, 'docs/architecture/pipeline.md', 'block-entry-missing').message).toBe(
      'orch:stage-transitions: entry "deploy->development" is in code (src/core/transitions.ts) but not in the block; code has {"from":"deploy","kind":"rollback","to":"development"}',
    );
  });

  it('a folder moved to another layer in the dependency rules (LAYERS)', async () => {
    const r = fresh();
    r.edit('.dependency-cruiser.mjs', "paths: ['^src/worker/', '^src/views/', '^src/http/', '^src/stage/', '^src/demo/']", "paths: ['^src/worker/', '^src/views/', '^src/stage/', '^src/demo/']");
    r.edit('.dependency-cruiser.mjs', "paths: ['^src/cli/', '^src/roadmap/']", "paths: ['^src/cli/', '^src/roadmap/', '^src/http/']");
    const { code, diagnostics } = await driftJson(r.root);
    expect(code).toBe(1);
    expect(diagnostics.filter((d) => d.ruleId === 'block-entry-differs').map((d) => `${d.file} ${d.message.split(':').slice(0, 3).join(':')}`)).toEqual([
      'docs/architecture/overview.md orch:layers: entry "services" differs from code (.dependency-cruiser.mjs)',
      'docs/architecture/overview.md orch:layers: entry "cli" differs from code (.dependency-cruiser.mjs)',
    ]);
  });

  it('a renamed verdict value', async () => {
    const r = fresh();
    r.edit('src/core/verdict-keys.ts', "'CHANGES_REQUESTED'", "'CHANGES_NEEDED'");
    const { code, diagnostics } = await driftJson(r.root);
    expect(code).toBe(1);
    expect(only(diagnostics, 'docs/architecture/pipeline.md', 'block-entry-differs').message).toBe(
      'orch:verdict-keys: entry "review_status" differs from code (src/core/verdict-keys.ts): values: docs have ["APPROVED","CHANGES_REQUESTED"], code has ["APPROVED","CHANGES_NEEDED"]',
    );
    // The reviewer's role card (its prompt) must change too.
    expect(only(diagnostics, 'docs/agents/reviewer.md', 'block-entry-stale').message).toContain('orch:role/reviewer: entry "verdict_lines/review_status: CHANGES_REQUESTED"');
  });

  it('a QG check added to QG_CHECKS', async () => {
    const r = fresh();
    r.edit('src/pipeline/gates/registry.ts', "['review->testing', 'check_review_status', checkReviewStatus],", "['review->testing', 'check_review_status', checkReviewStatus],\n  ['review->testing', 'check_review_fresh', checkReviewStatus],");
    const { code, diagnostics } = await driftJson(r.root);
    expect(code).toBe(1);
    expect(only(diagnostics, 'docs/architecture/pipeline.md', 'block-entry-differs').message).toBe(
      'orch:qg-checks: entry "review->testing" differs from code (src/pipeline/gates/registry.ts): checks: docs have ["check_review_status"], code has ["check_review_status","check_review_fresh"]',
    );
  });

  it('a column added in a migration', async () => {
    const r = fresh();
    r.write('src/store/migrations/099_priority.ts', "import type { Kysely } from 'kysely';\nexport async function up(db: Kysely<unknown>): Promise<void> {\n  await db.schema.alterTable('tasks').addColumn('priority', 'integer', (c) => c.notNull().defaultTo(0)).execute();\n}\n");
    r.edit('src/store/migrate.ts', "import * as m001 from './migrations/001_initial.ts';", "import * as m001 from './migrations/001_initial.ts';\nimport * as m099 from './migrations/099_priority.ts';");
    r.edit('src/store/migrate.ts', "export const MIGRATIONS: Readonly<Record<string, OrchMigration>> = Object.freeze({", "export const MIGRATIONS: Readonly<Record<string, OrchMigration>> = Object.freeze({\n  '099_priority': m099,");
    const { code, diagnostics } = await driftJson(r.root);
    expect(code).toBe(1);
    expect(only(diagnostics, 'docs/architecture/db-schema.md', 'block-entry-missing').message).toBe(
      'orch:db-schema: entry "column tasks.priority" is in code (src/store/migrate.ts) but not in the block; code has "priority integer default 0 not null"',
    );
    expect(only(diagnostics, 'docs/architecture/db-schema.md', 'block-entry-differs').message).toContain('orch:db-schema: entry "table tasks" differs');
  });

  it('a config key added without docs', async () => {
    const r = fresh();
    r.write('src/config/sections/extra.ts', "import { seconds } from '../define.ts';\nexport const extraKeys = {\n  ORCH_EXTRA_TIMEOUT_S: seconds({ default: '30', doc: 'How long the extra step may take.' }),\n} as const;\n");
    r.edit('src/config/keys.ts', "import { coreKeys } from './sections/core.ts';", "import { coreKeys } from './sections/core.ts';\nimport { extraKeys } from './sections/extra.ts';");
    r.edit('src/config/keys.ts', '  ...coreKeys,', '  ...coreKeys,\n  ...extraKeys,');
    const { code, diagnostics } = await driftJson(r.root);
    expect(code).toBe(1);
    expect(only(diagnostics, 'docs/configuration.md', 'block-entry-missing').message).toContain('orch:config: entry "ORCH_EXTRA_TIMEOUT_S" is in code (src/config/keys.ts) but not in the block');
    expect(only(diagnostics, '.env.example', 'env-example').message).toBe('ORCH_EXTRA_TIMEOUT_S is missing; add:\n# How long the extra step may take.\nORCH_EXTRA_TIMEOUT_S=30');
  });

  it('a deleted regression-marker symbol (block enabled on a registry like issue 6\'s)', async () => {
    const base = fresh();
    base.write('src/pipeline/markers.ts', "export const MAIN_REGRESSION_MARKERS = [\n  { ticket: 'ORCH-110', symbol: 'requireTransition', file: 'src/core/transitions.ts' },\n];\n");
    enable(base, { regressionMarkers: 'src/pipeline/markers.ts#MAIN_REGRESSION_MARKERS' }, { 'regression-markers': {} });
    const r = await cleanCopy(base);
    r.edit('src/core/transitions.ts', 'export function requireTransition(', 'export function requireEdge(');
    const { code, diagnostics } = await driftJson(r.root);
    expect(code).toBe(1);
    expect(only(diagnostics, 'src/pipeline/markers.ts', 'marker-unresolved').message).toBe(
      'orch:regression-markers: entry "ORCH-110#requireTransition": src/core/transitions.ts does not declare requireTransition; the fix of ORCH-110 depends on it',
    );
  });
});
