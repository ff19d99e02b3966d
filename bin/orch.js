#!/usr/bin/env node
// The `orch` bin: runs the compiled CLI (dist/, built by `npm ci` through the `prepare` script)
// when it is present and built from the sources as they are now; otherwise runs the TypeScript
// sources through tsx, so an edited checkout never runs a stale build (docs/decisions.md).
import { currentEntry } from './build-state.js';

const compiled = currentEntry('main');
if (compiled) {
  await import(compiled);
} else {
  const { register } = await import('tsx/esm/api');
  register();
  await import('../src/cli/main.ts');
}
