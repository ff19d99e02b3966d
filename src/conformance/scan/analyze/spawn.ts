// A call of a process module's spawn function: the program it starts decides between agent-spawn
// (an agent CLI), unresolved-spawn (not known statically) and nothing.
import type { ts as TS } from 'ts-morph';
import { ts } from '../ts.ts';
import { unwrap } from '../callee.ts';
import { programOf, staticText, type StaticText } from '../literals.ts';
import type { CommandForm } from '../process-modules.ts';
import { firstLine, lookupFrom, push, type FileScan, type PendingCall } from './file-scan.ts';

export function classifySpawn(scan: FileScan, form: CommandForm, args: readonly TS.Expression[], call: PendingCall, calleeText: string): void {
  const lookup = lookupFrom(scan.facts, call.scopes);
  const arg = args[0];
  const text = arg === undefined ? null : staticText(arg, lookup);
  const argvNode = args[1] ? unwrap(args[1]) : undefined;
  // argv words; a partly known word keeps its known head when it is a command line (`sh -c`).
  const word = (t: StaticText | null) => (t === null ? null : t.complete || /\s/.test(t.text.trim()) ? t.text : null);
  const argv = argvNode && ts.isArrayLiteralExpression(argvNode) ? argvNode.elements.map((el) => (ts.isSpreadElement(el) ? null : word(staticText(el, lookup)))) : [null];
  const program = programOf(text, form === 'line', argv);
  if (program === null) push(scan, 'unresolved-spawn', call.node, call.chain, call.stmt, firstLine(scan, call.node), null, calleeText);
  else if (scan.options.agentClis.includes(program)) push(scan, 'agent-spawn', call.node, call.chain, call.stmt, program, program, calleeText);
}
