// The rule of docs/architecture/llm-usage-policy.md as code: the control-path axis and the
// two-bit predicate `avoidable = axis C AND deterministic_equivalent`, and the class it implies.

export const AXES = { control: 'C', producer: 'P' } as const;
export type Axis = (typeof AXES)[keyof typeof AXES];

export const CLASSES = [
  'replace-deterministic-now',
  'implemented-deterministic',
  'keep-llm',
  'not-control-path',
] as const;
export type InventoryClass = (typeof CLASSES)[number];

/** An LLM judgment on the control path that a deterministic check could make instead. */
export function isAvoidable(axis: Axis, deterministicEquivalent: boolean): boolean {
  return axis === 'C' && deterministicEquivalent;
}

/** The class of a role; `implemented`: a reserved deterministic agent already runs its stage. */
export function classify(axis: Axis, deterministicEquivalent: boolean, implemented: boolean): InventoryClass {
  if (axis === 'P') return 'not-control-path';
  if (!deterministicEquivalent) return 'keep-llm';
  return implemented ? 'implemented-deterministic' : 'replace-deterministic-now';
}

/** Which classes agree with the predicate (the doc copy is checked with this, on its own fields). */
export function classAgrees(axis: Axis, deterministicEquivalent: boolean, cls: string): boolean {
  if (axis === 'P') return cls === 'not-control-path';
  if (!deterministicEquivalent) return cls === 'keep-llm';
  return cls === 'replace-deterministic-now' || cls === 'implemented-deterministic';
}
