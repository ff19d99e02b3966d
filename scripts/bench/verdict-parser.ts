// Benchmark of THE verdict parser on 1 MB artifacts of different shapes (timings are not tested
// by vitest: they belong here). Prints JSON, then a Markdown table.
import { parseVerdict } from '../../src/core/verdict.ts';

const MB = 1_000_000;
const fill = (chunk: string) => chunk.repeat(Math.ceil(MB / chunk.length));
const logLines = Array.from({ length: 25_000 }, (_, i) => `PASS tests/t${i}.test.ts > case ${i} (3 ms)`).join('\n');

const SHAPES: Record<string, string> = {
  'no fences, verdict last': `${fill('Some prose with *emphasis* and a [link](http://x).\n')}staging_status: PASSED\n`,
  'one fenced 1 MB log, verdict last': `# Log\n\n\`\`\`text\n${logLines}\n\`\`\`\n\nstaging_status: PASSED\n`,
  'block-dense (headings, lists, fences), verdict first': `staging_status: PASSED\n\n${fill('## Step\n\n```js\nx\n```\n\n- a\n- b\n\n')}`,
  'block-dense, verdict copies in every fence': `${fill('## Step\n\n```\nstaging_status: FAILED\n```\n\n- a\n- b\n\n')}staging_status: PASSED\n`,
};

export function benchVerdictParser(): Array<{ shape: string; bytes: number; ms: number; result: string }> {
  return Object.entries(SHAPES).map(([shape, text]) => {
    const started = performance.now();
    const result = parseVerdict(text, 'staging_status');
    const ms = Math.round(performance.now() - started);
    return { shape, bytes: text.length, ms, result: result.kind === 'verdict' ? result.value : result.kind };
  });
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const rows = benchVerdictParser();
  console.log(JSON.stringify({ bench: 'verdict-parser', rows }, null, 2));
  console.log('\n| shape | bytes | ms | result |\n|---|---:|---:|---|');
  for (const r of rows) console.log(`| ${r.shape} | ${r.bytes} | ${r.ms} | ${r.result} |`);
}
