// The dependency rules of orch's own code (`npm run lint:deps`), checked by dependency-cruiser on
// the RUNTIME import graph: type-only imports are erased before the check (tsPreCompilationDeps:
// false, with the repo's verbatimModuleSyntax), so `import type` never counts, while an
// `import { type X }` that still loads the module does.
//
// LAYERS is the architecture: each layer may import its own files and the layers listed before
// it, never one after it. A file belongs to the first layer whose pattern matches it; every folder
// of src/ is in one layer, so the tree shows the layers. The lowest, core (src/core/), holds every
// decision as a pure function; everything else depends on it.
// docs/architecture/overview.md shows this list in its orch:layers block (`npx orch drift`).

/** @typedef {{ name: string, paths: string[], holds: string }} Layer */

/** @type {readonly Layer[]} From the bottom up. */
export const LAYERS = Object.freeze([
  {
    name: 'core',
    paths: ['^src/core/', '^src/errors\\.ts$'],
    holds: 'the decisions as pure functions over plain data: stages, transitions and rollback edges, the verdict parser, check results and the gate decision, infra retry and the one backoff policy, retry-or-block after a failed job, the merge plan/route/attempt, re-test classification and skip, the staging outcome, the coverage verdict, the reaper\'s judgment of a running job; and the error codes. No IO (rule core-is-pure)',
  },
  {
    name: 'base',
    paths: ['^src/util/', '^src/secrets/'],
    holds: 'leaf helpers (JSON, atomic write, durations, tables, keyed queue), secret masking',
  },
  {
    name: 'config',
    paths: ['^src/config/'],
    holds: 'the config keys, their validation and loading; the command lines (suite, re-test, coverage) and the staging repo scope that config values name; where a task\'s files live under ORCH_HOME',
  },
  {
    name: 'runners',
    paths: ['^src/proc/', '^src/git/', '^src/worktree/'],
    holds: 'process groups, git, task worktrees',
  },
  {
    name: 'store',
    paths: ['^src/store/'],
    holds: 'the database: Kysely schema, migrations, repositories, transactions (SQLite and PostgreSQL)',
  },
  {
    name: 'domain',
    paths: ['^src/pipeline/', '^src/agents/', '^src/launcher/', '^src/merge/', '^src/staging/', '^src/test-runner/', '^src/shadow/', '^src/coverage/'],
    holds: 'applying decisions: advancing a task, the gates, the launcher, the reserved agents, the merge gate, the staging and test runners, shadow runs, coverage',
  },
  {
    name: 'services',
    paths: ['^src/worker/', '^src/views/', '^src/http/', '^src/stage/', '^src/demo/'],
    holds: 'long-running and one-shot entry points: the worker loop, GET /queue and the live page, orch stage, the demo; the task views they and the CLI share',
  },
  {
    name: 'cli',
    paths: ['^src/cli/', '^src/roadmap/'],
    holds: 'the orch command line: parses arguments, maps errors to exit codes; the reports it prints from the store (orch roadmap)',
  },
]);

/**
 * The docs-and-code conformance harness: beside the layers, not in them. It shares only the error
 * codes with orch (not even a type from elsewhere today): it reads the checked repo's source and
 * docs, and imports the registries its config names at run time, so it can check any repo.
 */
export const CONFORMANCE = Object.freeze({
  paths: ['^src/conformance/'],
  mayImport: ['^src/conformance/', '^src/errors\\.ts$'],
  importedBy: ['^src/cli/', '^src/roadmap/'],
});

/** Node modules and packages that do IO: the core layer imports none of them. */
const IO_MODULES = [
  '^(node:)?(fs|fs/promises|child_process|net|http|https|dgram|dns|os|worker_threads|cluster|readline|process|timers|timers/promises)$',
  '^(execa|kysely|better-sqlite3|pg|fastify|ts-morph|tsx)(/|$)',
];

/** The one public entry of a folder that may be imported from elsewhere: the process-group runner's API. */
const PUBLIC_BARRELS = ['^src/proc/index\\.ts$'];

const below = (i) => LAYERS.slice(0, i).flatMap((l) => l.paths);
const upTo = (i) => LAYERS.slice(0, i + 1).flatMap((l) => l.paths);
const layerRules = LAYERS.map((layer, i) => ({
  name: `layer-${layer.name}`,
  comment: `The ${layer.name} layer imports only ${i === 0 ? 'itself' : `itself and ${LAYERS.slice(0, i).map((l) => l.name).join(', ')}`} (LAYERS in .dependency-cruiser.mjs; docs/architecture/overview.md).`,
  severity: 'error',
  from: { path: layer.paths, ...(i > 0 ? { pathNot: below(i) } : {}) },
  to: { path: '^src/', pathNot: i === LAYERS.length - 1 ? [...upTo(i), ...CONFORMANCE.paths] : upTo(i) },
}));

/** @type {import('dependency-cruiser').IConfiguration} */
export default {
  forbidden: [
    {
      name: 'no-circular',
      comment: 'No runtime import cycle among src/ files: a cycle makes load order decide behaviour and ties every module in it to every other.',
      severity: 'error',
      from: { path: '^src/' },
      to: { circular: true },
    },
    ...layerRules,
    {
      name: 'in-a-layer',
      comment: 'Every src/ file belongs to a layer (or to the conformance harness): add a new folder to LAYERS in .dependency-cruiser.mjs.',
      severity: 'error',
      from: { path: '^src/', pathNot: [...LAYERS.flatMap((l) => l.paths), ...CONFORMANCE.paths] },
      to: {},
    },
    {
      name: 'core-is-pure',
      comment: 'The core layer decides from plain data: no filesystem, process, network, database or compiler module (type imports from outside core are refused by eslint.config.mjs).',
      severity: 'error',
      from: { path: LAYERS[0].paths },
      to: { path: IO_MODULES },
    },
    {
      name: 'conformance-independent',
      comment: 'The conformance harness checks the pipeline from the outside (reading its source and docs); it never loads pipeline, store, worker or other orch modules.',
      severity: 'error',
      from: { path: CONFORMANCE.paths },
      to: { path: '^src/', pathNot: CONFORMANCE.mayImport },
    },
    {
      name: 'conformance-entry',
      comment: 'Only the CLI (orch drift) runs the conformance harness.',
      severity: 'error',
      from: { path: '^src/', pathNot: [...CONFORMANCE.paths, ...CONFORMANCE.importedBy] },
      to: { path: CONFORMANCE.paths },
    },
    {
      name: 'no-foreign-barrel',
      comment: 'Import the file that defines what you need, not another folder\'s index.ts: a barrel loads its whole folder for one function.',
      severity: 'error',
      from: { path: '^src/([^/]+)/' },
      to: { path: '^src/.+/index\\.ts$', pathNot: ['^src/$1/', ...PUBLIC_BARRELS] },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: false,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default', 'types'],
      extensions: ['.ts', '.js', '.json'],
    },
    cache: false,
  },
};
