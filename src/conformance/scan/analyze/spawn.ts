// A call of a process module's spawn function: the program it starts decides between agent-spawn
// (an agent CLI, also when a helper's parameter is given one by a call in the file),
// unresolved-spawn (not known statically) and nothing.
import type { ts as TS } from 'ts-morph';
import { ts } from '../ts.ts';
import { unwrap } from '../callee.ts';
import { programOf, staticText, staticTexts, type StaticText } from '../literals.ts';
import type { CommandForm } from '../process-modules.ts';
import { firstLine, lookupFrom, lookupWithCallers, push, type FileScan, type PendingCall } from './file-scan.ts';

export function classifySpawn(scan: FileScan, form: CommandForm, args: readonly TS.Expression[], call: PendingCall, calleeText: string): void {
  const lookup = lookupFrom(scan.facts, call.scopes);
  const arg = args[0];
  const text = arg === undefined ? null : staticText(arg, lookup);
  const argvNode = args[1] ? unwrap(args[1]) : undefined;
  // argv words; a partly known word keeps its known head when it is a command line (`sh -c`).
  const word = (t: StaticText | null) => (t === null ? null : t.complete || /\s/.test(t.text.trim()) ? t.text : null);
  const argv = argvNode && ts.isArrayLiteralExpression(argvNode) ? argvNode.elements.map((el) => (ts.isSpreadElement(el) ? null : word(staticText(el, lookup)))) : [null];
  let program = programOf(text, form === 'line', argv);
  if (arg !== undefined && (program === null || !scan.options.agentClis.includes(program))) {
    // A helper's parameter (`run(bin, args)` -> `execa(bin, args)`): an agent CLI one of the file's
    // own calls passes makes this spawn an agent spawn. Otherwise it stays what it was: other
    // callers may pass anything.
    const agent = staticTexts(arg, lookupWithCallers(scan.facts, call.scopes))
      .map((t) => programOf(t, form === 'line', argv))
      .find((p) => p !== null && scan.options.agentClis.includes(p));
    if (agent !== undefined) program = agent;
  }
  if (program === null) push(scan, 'unresolved-spawn', call.node, call.chain, call.stmt, firstLine(scan, call.node), null, calleeText);
  else if (scan.options.agentClis.includes(program)) push(scan, 'agent-spawn', call.node, call.chain, call.stmt, program, program, calleeText);
}
