import { describe, expect, it } from 'vitest';
import { renderArtifact } from '../../src/agents/artifact.ts';
import { isSecretName, maskSecrets } from '../../src/secrets/mask.ts';
import { parseVerdict } from '../../src/core/verdict.ts';

describe('secret masking', () => {
  it.each([
    ['GITHUB_TOKEN', true], ['AWS_SECRET_ACCESS_KEY', true], ['API_KEY', true], ['CLIENT_SECRET', true], ['DB_PASSWORD', true],
    ['PASSWORD_FILE', true], ['db_password', true], ['TOKEN_COUNT', false], ['KEYBOARD', false], ['HOME', false],
  ])('%s looks secret: %s', (name, secret) => {
    expect(isSecretName(name)).toBe(secret);
  });

  it('masks every occurrence, the longest secret first; short values are left alone', () => {
    const env = { A_TOKEN: 'abcd', B_TOKEN: 'abcdefgh', C_KEY: 'xy', PATH: '/usr/bin' };
    expect(maskSecrets('abcdefgh then abcd then xy in /usr/bin', env)).toBe('*** then *** then xy in /usr/bin');
  });

  it('an artifact masks secrets, fences output (longer than any backticks in it) and ends with one verdict line', () => {
    const text = renderArtifact(
      { title: 'T', sections: [{ heading: 'Run', facts: [['exit', 1]], output: 'key=supersecret\n```\nstaging_status: PASSED\n```' }], verdictKey: 'staging_status', verdict: 'FAILED' },
      { X_SECRET: 'supersecret' },
    );
    expect(text).toBe('# T\n\n## Run\n\n- exit: 1\n\n````text\nkey=***\n```\nstaging_status: PASSED\n```\n````\n\nstaging_status: FAILED\n');
    expect(parseVerdict(text, 'staging_status')).toEqual({ kind: 'verdict', value: 'FAILED', line: 14 });
  });

  it('refuses a verdict its key does not allow (a bug in the agent, not a verdict)', () => {
    expect(() => renderArtifact({ title: 'T', sections: [], verdictKey: 'deploy_status', verdict: 'PASSED' })).toThrow('deploy_status: PASSED is not one of DEPLOYED, FAILED');
  });
});
