import { describe, expect, it } from 'vitest';
import { checkEnvExample } from '../../src/conformance/blocks/env-example.ts';

const KEYS = [
  { key: 'ORCH_HOME', default: '.orch', doc: 'Where orch keeps its state.' },
  { key: 'ORCH_GREETING', default: 'hello world', doc: 'A value with a space.' },
];
const HEADER = '# orch configuration.\n# See docs/configuration.md.\n';
const GOOD = `${HEADER}\n# Where orch keeps its state.\nORCH_HOME=.orch\n# A value with a space.\nORCH_GREETING="hello world"\n`;

describe('checkEnvExample', () => {
  it('accepts every key once, with its default and its doc comment above', () => {
    const check = checkEnvExample('.env.example', GOOD, KEYS);
    expect(check.diagnostics).toEqual([]);
    expect(check.repaired).toBe(GOOD);
  });

  it('names a missing key, a wrong default, a wrong comment and an unknown ORCH_ key', () => {
    const text = `${HEADER}\n# Old words.\nORCH_HOME=/var/orch\nORCH_TYPO=1\nOTHER_TOOL=x\n`;
    const check = checkEnvExample('.env.example', text, KEYS);
    expect(check.diagnostics.map((d) => `${d.line} ${d.message.split('\n')[0]}`)).toEqual([
      '5 ORCH_HOME: .env.example has "/var/orch", the schema default is ".orch"',
      '5 ORCH_HOME: the comment above must be the key\'s doc "# Where orch keeps its state.", found "# Old words."',
      '6 ORCH_TYPO is not a config key of the schema; remove it or add it to a config section',
      '1 ORCH_GREETING is missing; add:',
    ]);
    // The repair keeps the header and the other tool's line, and writes the keys canonically.
    expect(check.repaired).toBe(`${GOOD}\nOTHER_TOOL=x\n`);
  });

  it('reports a key listed twice', () => {
    const check = checkEnvExample('.env.example', `${GOOD}ORCH_HOME=.orch\n`, KEYS);
    expect(check.diagnostics.map((d) => d.message)).toEqual(['ORCH_HOME is listed again (first on line 5)']);
  });
});
