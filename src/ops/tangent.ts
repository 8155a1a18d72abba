/** @file Forward-mode (tangent) rules: how an op maps input tangents to its output's tangent. */

import type { AnyOp, Backend, JvpSpec, RuleContext, TangentRule } from './op.js';

/** The forward-mode rule of `op`, derived when its entry says `'elementwise'` or `'linear'`; null if it has none. */
export function tangentRule(op: AnyOp): TangentRule<unknown> | null {
  const spec = op.jvp as JvpSpec<unknown> | undefined;
  if (spec === undefined) return null;
  if (spec === 'elementwise') return elementwiseTangent(op);
  if (spec === 'linear') return linearTangent(op);
  return spec;
}

const derived = new WeakMap<AnyOp, TangentRule<unknown>>();

// ∂f(x₁…xₙ)·t = Σᵢ (∂f/∂xᵢ ⊙ tᵢ): the reverse rule with upstream tᵢ (expanded to the output's shape)
// gives exactly ∂f/∂xᵢ ⊙ tᵢ for an elementwise op, before the engine would sum broadcast axes back.
function elementwiseTangent(op: AnyOp): TangentRule<unknown> {
  let rule = derived.get(op);
  if (rule) return rule;
  const backward = op.backward!;
  rule = <T>(B: Backend<T>, tangents: readonly (T | null)[], ctx: RuleContext<T, unknown>): T => {
    const outShape = B.shape(ctx.out);
    let total: T | null = null;
    tangents.forEach((t, i) => {
      if (t === null) return;
      const need = ctx.ins.map((_, j) => j === i);
      const part = backward(B, B.expand(t, outShape), { ...ctx, need })[i];
      if (part == null) return;
      total = total === null ? part : B.add(total, part);
    });
    return total ?? B.full(outShape, 0, ctx.out);
  };
  derived.set(op, rule);
  return rule;
}

// f linear: f(x + εt) = f(x) + ε·f(t), so the tangent is the op itself applied to the tangents.
function linearTangent(op: AnyOp): TangentRule<unknown> {
  let rule = derived.get(op);
  if (rule) return rule;
  rule = <T>(B: Backend<T>, tangents: readonly (T | null)[], ctx: RuleContext<T, unknown>): T => {
    const ts = tangents.map((t, i) => t ?? B.full(B.shape(ctx.ins[i]!), 0, ctx.ins[i]!));
    const method = (B as unknown as Record<string, (...args: unknown[]) => T>)[op.name];
    if (!method) throw new TypeError(`${op.name}: a 'linear' tangent needs the op in the backend's table`);
    return op.arity === -1 ? method(ts, ctx.attrs) : method(...ts, ctx.attrs);
  };
  derived.set(op, rule);
  return rule;
}
