// Public API of the staging runner (SPEC §6). It is the reserved agent `staging-runner`
// (src/agents/staging-runner.ts, registered in src/launcher/reserved.ts): launchJob asks its
// applies() before any spawn and, when it applies, runs runStagingJob() instead of the LLM transport.
export { runStagingJob, stageSuite, toRunResult } from './runner.ts';
export type { StagingDeps, StagingJobInput, StagingOutcome, StagingFinished, StagingDeferred, StagedRun } from './types.ts';
export { stagingRunnerApplies, STAGING_RUNNER_ROLE, STAGING_STAGE, type Interception } from './intercept.ts';
export { resolveStagingOptions, type ResolvedStagingOptions } from './options.ts';
export { resolveSuiteCommand, parseSuiteCommand, NPM_TEST, type SuiteCommand } from './command.ts';
export { mapExitCodeToStatus, classifyRun, decideStagingOutcome, backoffDelayMs, type StagingStatus, type StagingDecision } from './outcome.ts';
export { stagingCounters, stagingRunnerStatus, type StagingCounters } from './counters.ts';
export { repoInScope, parseRepoScope, type RepoScope } from './scope.ts';
