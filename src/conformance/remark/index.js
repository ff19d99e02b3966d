// The entry remark-cli (and unified-language-server) load through .remarkrc: plain JavaScript, so
// a bare `npx remark docs` works; it lets tsx load the TypeScript plugin next to it.
import { register } from 'tsx/esm/api';

const key = Symbol.for('orch.remark.tsx');
if (!globalThis[key]) {
  globalThis[key] = true;
  register();
}
const { default: remarkOrchDrift } = await import('./remark-orch-drift.ts');
export default remarkOrchDrift;
