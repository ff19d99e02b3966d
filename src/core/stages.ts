// The stage list and the agent/role table (SPEC §3): the single source of what runs where.

export const STAGES = [
  'analysis',
  'architecture',
  'development',
  'review',
  'testing',
  'deploy-staging',
  'deploy',
  'post-deploy',
  'done',
] as const;

export type Stage = (typeof STAGES)[number];

export const AGENT_KINDS = { llm: 'llm', reserved: 'reserved' } as const;
export type AgentKind = (typeof AGENT_KINDS)[keyof typeof AGENT_KINDS];

export interface RoleDef {
  /** The role name; LLM roles have a role card at docs/agents/<role>.md. */
  readonly role: string;
  readonly stage: Stage;
  /** Artifact file name inside the task folder. */
  readonly artifact: string;
  /** Machine-verdict key the artifact carries, or null for producers. */
  readonly verdictKey: string | null;
  /** Default agent kind: an LLM agent through the transport, or a reserved deterministic agent. */
  readonly kind: AgentKind;
}

/** The default agent of each working stage. `done` has none. */
export const ROLES: readonly RoleDef[] = Object.freeze(
  [
    { role: 'analyst', stage: 'analysis', artifact: '01-analysis.md', verdictKey: null, kind: 'llm' },
    { role: 'architect', stage: 'architecture', artifact: '02-architecture.md', verdictKey: null, kind: 'llm' },
    { role: 'developer', stage: 'development', artifact: '05-development.md', verdictKey: null, kind: 'llm' },
    { role: 'reviewer', stage: 'review', artifact: '10-review.md', verdictKey: 'review_status', kind: 'llm' },
    { role: 'tester', stage: 'testing', artifact: '12-test-report.md', verdictKey: 'test_status', kind: 'llm' },
    { role: 'deployer', stage: 'deploy-staging', artifact: '15-staging-log.md', verdictKey: 'staging_status', kind: 'llm' },
    { role: 'deploy-finalizer', stage: 'deploy', artifact: '20-deploy-log.md', verdictKey: 'deploy_status', kind: 'reserved' },
    { role: 'post-deploy-monitor', stage: 'post-deploy', artifact: '25-monitor-log.md', verdictKey: 'monitor_status', kind: 'reserved' },
  ].map((r) => Object.freeze(r as RoleDef)),
);

export function isStage(value: string): value is Stage {
  return (STAGES as readonly string[]).includes(value);
}

/** The default role of a stage, or undefined for `done`. */
export function roleForStage(stage: Stage): RoleDef | undefined {
  return ROLES.find((r) => r.stage === stage);
}

export function roleByName(role: string): RoleDef | undefined {
  return ROLES.find((r) => r.role === role);
}
