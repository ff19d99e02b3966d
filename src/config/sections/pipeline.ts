// Keys of the pipeline model: how gates treat an artifact without a usable verdict.
import { int } from '../define.ts';

export const pipelineKeys = {
  ORCH_VERDICT_RERUNS: int({
    default: '2',
    doc: 'Re-runs of a stage job whose artifact has a missing or invalid verdict, before the gate fails closed with an alert.',
    min: 0,
    max: 10,
  }),
} as const;
