/**
 * @file A recorded backward pass of a `Value` graph written out step by step, as a learner works it by
 * hand: for each rule, the node and the gradient that reached it, then for each input the local
 * derivative × upstream = contribution, and the input's running sum where it is used more than once.
 */

import type { BackwardTrace, TracedNode } from '../../src/index.js';

/** A node as the drawings name it: its label, else op#id. */
export const nodeName = (n: TracedNode): string => n.label || `${n.op ?? 'leaf'}#${n.id}`;

/** Six significant digits, without trailing zeros: how the worked pass writes every number. */
export const num = (v: number): string => String(Number(v.toPrecision(6)));

/**
 * The lines of a worked backward pass of a `Value` graph's trace. Inputs that take no gradient (the
 * data and the constants) are left out; an input that receives a second or later contribution shows
 * its running sum ("fan-out").
 */
export function backwardPassLines(trace: BackwardTrace): string[] {
  if (trace.kind !== 'value') throw new TypeError('backwardPassLines: a trace of a Value graph is expected');
  const seen = new Map<number, number>(); // node id → contributions received so far
  const lines: string[] = [];
  for (const step of trace.steps) {
    const op = step.node.op === null ? '' : ` = ${step.node.op}(…)`;
    lines.push(
      `${String(step.step + 1).padStart(2)}. ${nodeName(step.node)}${op}   upstream ∂E/∂${nodeName(step.node)} = ${num(step.upstream as number)}`,
    );
    for (const input of step.inputs) {
      if (input.contribution === null) continue;
      const count = (seen.get(input.id) ?? 0) + 1;
      seen.set(input.id, count);
      const fanOut =
        count > 1
          ? `   fan-out: ${nodeName(input)}'s sum of ${count} contributions = ${num(input.accumulated as number)}`
          : '';
      lines.push(
        `      → ${nodeName(input)}: local ${num(input.local as number)} × upstream ${num(step.upstream as number)} = ${num(input.contribution as number)}${fanOut}`,
      );
    }
  }
  return lines;
}
