// Which LLM roles have a deterministic candidate, so that shadow mode can run the two side by side:
// the role and the reserved agent that stands in for it on its stage. Plain data (the config
// loader validates ORCH_SHADOW_ROLES against it); tests/shadow pins it to RESERVED_AGENTS and ROLES.
export interface ShadowPair {
  readonly role: string;
  readonly stage: string;
  /** The reserved deterministic agent of the stage. */
  readonly agent: string;
}

export const SHADOW_PAIRS: readonly ShadowPair[] = Object.freeze([
  Object.freeze({ role: 'tester', stage: 'testing', agent: 'test-runner' }),
  Object.freeze({ role: 'deployer', stage: 'deploy-staging', agent: 'staging-runner' }),
]);

export function shadowPair(role: string): ShadowPair | undefined {
  return SHADOW_PAIRS.find((p) => p.role === role);
}
