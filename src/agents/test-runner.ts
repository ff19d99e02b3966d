// test-runner (testing): the test runner (src/test-runner, issue 17) as a reserved agent, so
// launchJob takes it BEFORE any LLM spawn when it is enabled and the repo is in scope; anything
// else, and its fallback, keeps the LLM tester.
import type { ReservedAgent, RunContext } from '../launcher/types.ts';
import { resolveTestOptions, runTestJob, testRunnerApplies, TEST_RUNNER_ROLE, TESTING_STAGE } from '../test-runner/runner.ts';

export const testRunnerAgent: ReservedAgent = Object.freeze({
  name: TEST_RUNNER_ROLE,
  stage: TESTING_STAGE,
  applies: (ctx: Pick<RunContext, 'task' | 'job' | 'config'>) => testRunnerApplies(resolveTestOptions(ctx.config), ctx.task, ctx.job).intercept,
  run: (ctx: RunContext) => runTestJob(ctx),
});
