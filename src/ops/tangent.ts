/** @file Forward-mode (tangent) rules: how an op maps input tangents to its output's tangent. */

import type { AnyOp, AnyRuleContext, AnyTangentRule, Backend } from './op.js';

/** The forward-mode rule of `op`, derived when its entry says `'elementwise'` or `'linear'`; null if it has none. */
export function tangentRule(op: AnyOp): AnyTangentRule | null {
  const spec = op.jvp;
  if (spec === undefined || op.backward === null) return null;
  if (spec === 'elementwise') return derive(op, elementwiseTangent);
  if (spec === 'linear') return derive(op, linearTangent);
  return spec;
}

const derived = new WeakMap<AnyOp, AnyTangentRule>();

function derive(op: AnyOp, make: (op: AnyOp) => AnyTangentRule): AnyTangentRule {
  let rule = derived.get(op);
  if (rule === undefined) {
    rule = make(op);
    derived.set(op, rule);
  }
  return rule;
}

// ∂f(x₁…xₙ)·t = Σᵢ (∂f/∂xᵢ ⊙ tᵢ): the reverse rule with upstream tᵢ (expanded to the output's shape)
// gives exactly ∂f/∂xᵢ ⊙ tᵢ for an elementwise op, before the engine would sum broadcast axes back.
function elementwiseTangent(op: AnyOp): AnyTangentRule {
  const backward = op.backward!;
  return <T>(B: Backend<T>, tangents: readonly (T | null)[], ctx: AnyRuleContext<T>): T => {
    const outShape = B.shape(ctx.out);
    let total: T | null = null;
    tangents.forEach((t, i) => {
      if (t === null) return;
      const need = tangents.map((_, j) => j === i);
      const part = backward(B, B.expand(t, outShape), { ...ctx, need })[i];
      if (part == null) return;
      total = total === null ? part : B.add(total, part);
    });
    return total ?? B.full(outShape, 0, ctx.out);
  };
}

// f linear: f(x + εt) = f(x) + ε·f(t), so the tangent is the op itself applied to the tangents.
function linearTangent(op: AnyOp): AnyTangentRule {
  return <T>(B: Backend<T>, tangents: readonly (T | null)[], ctx: AnyRuleContext<T>): T => {
    const ins = ctx.ins as readonly T[];
    const ts = tangents.map((t, i) => t ?? B.full(B.shape(ins[i]!), 0, ins[i]!));
    const method = (B as unknown as Record<string, (...args: unknown[]) => T>)[op.name];
    if (!method) throw new TypeError(`${op.name}: a 'linear' tangent needs the op in the backend's table`);
    return op.arity === -1 ? method(ts, ctx.attrs) : method(...ts, ctx.attrs);
  };
}
