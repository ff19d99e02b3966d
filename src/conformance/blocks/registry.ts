// Every block the harness knows, one small file each. A repo enables the ones it has in its
// harness config; adding a block is adding a file here and its line below.
import { configBlock } from './config.ts';
import { dbSchemaBlock } from './db-schema.ts';
import { layersBlock } from './layers.ts';
import { httpQueueBlock } from './http-queue.ts';
import { llmInventoryBlock } from './llm-inventory.ts';
import { qgChecksBlock } from './qg-checks.ts';
import { regressionMarkersBlock } from './regression-markers.ts';
import { reservedAgentsBlock } from './reserved-agents.ts';
import { roleCardsBlock } from './role-cards.ts';
import { scanRulesBlock } from './scan-rules.ts';
import { stageTransitionsBlock } from './stage-transitions.ts';
import type { BlockFamily } from './types.ts';
import { verdictKeysBlock } from './verdict-keys.ts';

export const BLOCK_FAMILIES: readonly BlockFamily<unknown>[] = Object.freeze([
  stageTransitionsBlock,
  verdictKeysBlock,
  configBlock,
  dbSchemaBlock,
  llmInventoryBlock,
  roleCardsBlock,
  scanRulesBlock,
  // Waiting for their sources (issues 2, 4, 6): enabled per repo once the registry exists.
  qgChecksBlock,
  reservedAgentsBlock,
  regressionMarkersBlock,
  layersBlock,
  httpQueueBlock,
]);
