// `orch roadmap [--json]`: per LLM role, what it ran and cost, what the deterministic agents ran
// and saved against the role's own LLM baseline, and how often shadow runs agreed; from the store.
import type { Command } from 'commander';
import { printJson, printLine, withStore } from '../context.ts';
import type { Register } from '../program.ts';

export const registerRoadmap: Register = (program: Command) => {
  program
    .command('roadmap')
    .description('LLM runs, cost and savings per role, shadow agreement and the determinization candidates, from the store')
    .option('--json', 'print the figures as one JSON object')
    .action(async (o: { json?: boolean }) => {
      // Loaded here, not at the top: the roadmap reads the agent registries, which every other CLI start can skip.
      const [{ loadRoadmap }, { renderRoadmap }] = await Promise.all([import('../../roadmap/load.ts'), import('../../roadmap/render.ts')]);
      await withStore(async ({ store }) => {
        const roadmap = await loadRoadmap(store);
        if (o.json) printJson(roadmap);
        else printLine(renderRoadmap(roadmap));
      });
    });
};
