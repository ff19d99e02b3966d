// STAGE_TRANSITIONS: every legal edge, forward and rollback. Anything else is refused.
import { IllegalTransitionError } from '../errors.ts';
import { STAGES, type Stage } from './stages.ts';

export type TransitionKind = 'forward' | 'rollback';

export interface Transition {
  readonly from: Stage;
  readonly to: Stage;
  readonly kind: TransitionKind;
}

/** Stages whose failed gate sends the task back to development. */
export const ROLLBACK_SOURCES = Object.freeze(['review', 'testing', 'deploy-staging', 'post-deploy'] as const satisfies readonly Stage[]);

function build(): readonly Transition[] {
  const forward = STAGES.slice(0, -1).map((from, i) => ({ from, to: STAGES[i + 1] as Stage, kind: 'forward' as const }));
  const rollback = ROLLBACK_SOURCES.map((from) => ({ from, to: 'development' as const, kind: 'rollback' as const }));
  return Object.freeze([...forward, ...rollback].map((t) => Object.freeze(t)));
}

/** Frozen data, the single source in code of which stage may follow which. */
export const STAGE_TRANSITIONS: readonly Transition[] = build();

export function transitionKey(from: string, to: string): string {
  return `${from}->${to}`;
}

export function findTransition(from: string, to: string): Transition | undefined {
  return STAGE_TRANSITIONS.find((t) => t.from === from && t.to === to);
}

/** The transition, or an IllegalTransitionError naming both stages. */
export function requireTransition(from: string, to: string): Transition {
  const t = findTransition(from, to);
  if (!t) throw new IllegalTransitionError(from, to);
  return t;
}

export function forwardEdge(from: Stage): Transition | undefined {
  return STAGE_TRANSITIONS.find((t) => t.from === from && t.kind === 'forward');
}

export function rollbackEdge(from: Stage): Transition | undefined {
  return STAGE_TRANSITIONS.find((t) => t.from === from && t.kind === 'rollback');
}
