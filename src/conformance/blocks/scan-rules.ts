// orch:scan-rules (docs/conformance.md) = the rules table of the LLM call-site scan
// (src/conformance/scan/rules/): per SDK, its packages, what makes a client or handle, and the
// calls that send a request; and the HTTP clients whose requests to LLM hosts are llm-fetch.
import { HTTP_CLIENTS, HTTP_VERBS } from '../scan/rules/http.ts';
import { rulesTable } from '../scan/rules/sdks.ts';
import { docOption } from './options.ts';
import type { BlockFamily } from './types.ts';
import { toYaml, yamlEntries } from './yaml.ts';

function rows() {
  return [
    ...rulesTable(),
    {
      sdk: 'http',
      packages: ['fetch (global)', ...Object.keys(HTTP_CLIENTS)],
      makes: ['axios.create({ baseURL }) -> client', 'got.extend({ prefixUrl }) -> client', 'ky.create/extend({ prefixUrl }) -> client'],
      sends: ['client(url | { url })', ...[...HTTP_VERBS].map((v) => `client.${v}(url)`)],
    },
  ];
}

export const scanRulesBlock: BlockFamily<{ doc: string }> = {
  name: 'scan-rules',
  options: docOption('docs/conformance.md'),
  requires: [],
  async instances(_ctx, { doc }) {
    return [
      {
        name: 'scan-rules',
        lang: 'yaml',
        doc,
        async derive() {
          const data = rows();
          return { body: toYaml(data), entries: data.map((d) => ({ key: d.sdk, data: d })), source: 'src/conformance/scan/rules/' };
        },
        parse: (body) =>
          yamlEntries(body, (item) => {
            const k = (item as { sdk?: unknown })?.sdk;
            return typeof k === 'string' ? k : null;
          }),
      },
    ];
  },
};
