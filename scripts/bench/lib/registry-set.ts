// A real TypeScript file set of about 2,000 files for the scan bench, from the npm registry (the
// bench machine reaches package registries, not GitHub, so vitest's own repo cannot be cloned and
// its npm package ships only dist/). These packages publish their TypeScript sources under src/:
// Effect and its platform, CLI, SQL, RPC, experimental and AI packages, RxJS, tRPC's server,
// TanStack Query and Router core, zod, and the OpenAI and Anthropic SDKs (whose sources name LLM
// hosts, so the prefilter lets more through than in an app). Each package's src/ is copied to
// packages/<name>/src of one folder; the tarballs are fetched with `npm pack` once and kept.
import { cpSync, existsSync, mkdirSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';

/** Pinned, so every run measures the same 1,988 files. */
export const REGISTRY_SET: readonly string[] = Object.freeze([
  'effect@3.22.4',
  '@effect/platform@0.97.2',
  '@effect/cli@0.77.2',
  '@effect/sql@0.52.1',
  '@effect/rpc@0.76.2',
  '@effect/experimental@0.61.1',
  '@effect/ai@0.37.0',
  '@effect/ai-openai@0.41.0',
  '@effect/ai-anthropic@0.27.0',
  'rxjs@7.8.2',
  '@trpc/server@11.25.2',
  '@tanstack/query-core@5.108.4',
  '@tanstack/react-query@5.108.4',
  '@tanstack/router-core@1.171.39',
  'zod@4.6.7',
  'openai@6.49.0',
  '@anthropic-ai/sdk@0.137.0',
]);

/** The folder holding the set (made on first use, kept under the temp dir for later runs). */
export async function ensureRegistrySet(): Promise<string> {
  const root = join(tmpdir(), 'bench-scan-registry-set');
  const repo = join(root, 'repo');
  if (existsSync(join(repo, '.complete'))) return repo;
  rmSync(repo, { recursive: true, force: true });
  const packs = join(root, 'packs');
  mkdirSync(packs, { recursive: true });
  process.stderr.write(`scan bench: fetching ${REGISTRY_SET.length} packages with TypeScript sources into ${root}\n`);
  const building = join(root, `repo.${process.pid}`);
  for (const spec of REGISTRY_SET) {
    const name = spec.slice(0, spec.lastIndexOf('@')).replace(/^@/, '').replace('/', '-');
    const unpacked = join(packs, name);
    if (!existsSync(join(unpacked, 'package/src'))) {
      rmSync(unpacked, { recursive: true, force: true });
      mkdirSync(unpacked, { recursive: true });
      const { stdout } = await execa('npm', ['pack', spec, '--silent'], { cwd: unpacked });
      await execa('tar', ['xzf', stdout.trim().split('\n').pop() as string], { cwd: unpacked });
    }
    cpSync(join(unpacked, 'package/src'), join(building, 'packages', name, 'src'), { recursive: true });
  }
  if (readdirSync(join(building, 'packages')).length !== REGISTRY_SET.length) throw new Error(`${building}: not every package has a src/ folder`);
  renameSync(building, repo);
  writeFileSync(join(repo, '.complete'), '');
  return repo;
}
