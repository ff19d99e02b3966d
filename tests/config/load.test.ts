import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/load.ts';
import { ConfigError, ERROR_CODES } from '../../src/errors.ts';

describe('loadConfig', () => {
  it('applies defaults when nothing is set', () => {
    const config = loadConfig({ env: {}, envFile: false });
    expect(config.ORCH_HOME).toBe('.orch');
    expect(config.ORCH_DATABASE_URL).toBe('');
    expect(Object.isFrozen(config)).toBe(true);
  });

  it('names the key, the value and what is allowed', () => {
    let caught: unknown;
    try {
      loadConfig({ env: { ORCH_HOME: '   ' }, envFile: false });
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(ConfigError);
    expect((caught as ConfigError).code).toBe(ERROR_CODES.CONFIG_INVALID);
    expect((caught as ConfigError).message).toBe('ORCH_HOME="   " is invalid: a non-empty string');
  });
});
