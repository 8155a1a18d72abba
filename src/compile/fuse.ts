/**
 * @file Runs of elementwise kernel calls of a tape fused into one generated loop each: every element
 * of every call computed in turn, by the op's own per-element function, and stored where the call
 * stored it, so that a replay gives the kernels' numbers bit for bit with one pass instead of one per call.
 */

import { broadcastShapes, broadcastStrides } from '../kernels/broadcast.js';
import { LARGE_SCALARS } from '../kernels/elementwise.js';
import { LONG_K } from '../kernels/gemm-narrow.js';
import type { StridedProduct } from '../kernels/matmul.js';
import { type Data, type NDArray, sameShape, sizeOf } from '../kernels/ndarray.js';
import type { Operand } from '../ops/op.js';

/**
 * A kernel call the fuser may take: an op applying `scalar` to its inputs broadcast together (or,
 * with `expands`, broadcast to its result's shape: `expand`), into `out`.
 */
export interface Pointwise {
  readonly name: string;
  readonly scalar: (...xs: number[]) => number;
  readonly ins: readonly Operand<NDArray>[];
  readonly out: Data;
  /** The shape of the result the kernel returned. */
  readonly result: readonly number[];
  readonly expands?: boolean;
  /**
   * For a matrix product the JS narrow gemm computes (`stridedProduct`): its operands, read in place,
   * each element the gemm's sum (`scalar` and `ins` unused).
   */
  readonly product?: StridedProduct;
}

/**
 * A `sumTo` call: `x` summed in float64 into `acc`, over every element or down the columns of its
 * last axis (`keep`, padded to x's rank), then copied into `out` when that is a float32 array.
 */
export interface Sum {
  readonly name: 'sumTo';
  readonly x: NDArray;
  readonly keep: readonly number[];
  readonly acc: Float64Array;
  readonly out: Data;
}

/** Where one input of a fused loop reads: element `r·row + c·col` of `data`, or the number `value`. */
type Read =
  | { readonly kind: 'array'; readonly data: Data; readonly row: number; readonly col: number }
  | { readonly kind: 'number'; readonly value: number }
  /** The result of an earlier call of the same loop, at this very element. */
  | { readonly kind: 'member'; readonly index: number };

/** One fused loop: calls whose outputs all have `shape`, run element by element. */
export interface Group<T extends Pointwise = Pointwise, S extends Sum = Sum> {
  readonly shape: readonly number[];
  readonly rows: number;
  readonly cols: number;
  readonly calls: { readonly call: T; readonly reads: readonly Read[] }[];
  /** A sum of one call's result that ends the loop: of every element, or of each column. */
  sum: { readonly call: S; readonly of: number; readonly columns: boolean } | null;
  /**
   * Products a @ r that end the loop (see `productEnds`; aᵀ @ g of a weight's gradient, mostly): r
   * the result of call `of`, the loop's elements as a [k, n] matrix.
   */
  readonly products: { readonly call: T; readonly of: number }[];
  /** Whether a call of the loop applies one of the LARGE_SCALARS. */
  large: boolean;
}

/**
 * The output shape of an elementwise call with its index mapping as two strides (rows × last axis),
 * or null when its inputs broadcast in a way two strides cannot say (then it runs as its own kernel).
 */
function outShape(call: Pointwise): readonly number[] | null {
  const p = call.product;
  if (p !== undefined) {
    // NOTE: rows × columns of the loop are the product's; a longer k would make a long expression.
    const fits = sizeOf(call.result.slice(0, -1)) === p.m && call.result.at(-1) === p.n && p.k <= LONG_K;
    return fits && call.out.length > 0 ? call.result : null;
  }
  let shape: readonly number[] = call.expands ? call.result : [];
  try {
    for (const x of call.ins) if (typeof x !== 'number') shape = broadcastShapes(shape, x.shape, call.name);
  } catch {
    return null; // not a broadcast of its inputs: no elementwise kernel
  }
  return sameShape(shape, call.result) && sizeOf(shape) === call.out.length && call.out.length > 0
    ? shape
    : null;
}

/** The two strides by which an array of `shape`, broadcast to `target`, is read; null if there are none. */
function strides2d(shape: readonly number[], target: readonly number[]): { row: number; col: number } | null {
  const nd = target.length;
  if (nd === 0) return { row: 0, col: 0 };
  const st = broadcastStrides(shape, nd);
  const col = target[nd - 1] === 1 ? 0 : st[nd - 1]!;
  // The first leading axis longer than 1 (from the right) gives the step per row; every other must
  // step by that times the rows it spans in the output, or the two strides cannot say where to read.
  let row: number | null = null;
  for (let d = nd - 2, span = 1; d >= 0; d--) {
    const size = target[d]!;
    if (size !== 1) {
      row ??= st[d]!;
      if (st[d]! !== row * span) return null;
    }
    span *= size;
  }
  return { row: row ?? 0, col };
}

/**
 * Splits `calls` (consecutive elementwise calls and sums of a tape) into runs that one loop can
 * compute: the same output shape, inputs read by two strides, and any input an earlier call of the
 * run made read at the element being computed (anything else needs that call's whole result first).
 * A sum of a result of the run, over everything or down the columns, ends it (its value is whole only
 * after the loop); the loop adds each element in the order the kernel does, so the sum is the same.
 */
export function fusedGroups<T extends Pointwise, S extends Sum>(
  calls: readonly (T | S)[],
): (Group<T, S> | T | S)[] {
  const out: (Group<T, S> | T | S)[] = [];
  let group: Group<T, S> | null = null;
  const close = () => {
    if (group !== null) out.push(group);
    group = null;
  };
  for (const call of calls) {
    if (isSum(call)) {
      const taken = group !== null && sumIn(group, call);
      close();
      if (!taken) out.push(call);
      continue;
    }
    const end: { group: Group<T, S>; of: number } | null = productEnds(out, group, call);
    if (end !== null) {
      end.group.products.push({ call, of: end.of });
      if (end.group === group) close();
      continue;
    }
    const shape = outShape(call);
    if (shape === null) {
      close();
      out.push(call);
      continue;
    }
    // NOTE: one large per-element function per loop (see LARGE_SCALARS): V8 inlines no second one.
    const large = LARGE_SCALARS.has(call.scalar);
    const fits =
      group !== null &&
      sameShape(group.shape, shape) &&
      !(large && group.large) &&
      group.calls.length < MAX_CALLS;
    let reads = fits ? readsIn(group!, call, shape) : null;
    if (reads === null) {
      close();
      const fresh: Group<T, S> = {
        shape,
        rows: sizeOf(shape.slice(0, -1)),
        cols: shape.at(-1) ?? 1,
        calls: [],
        sum: null,
        products: [],
        large: false,
      };
      reads = readsIn(fresh, call, shape);
      if (reads === null) {
        out.push(call);
        continue;
      }
      group = fresh;
    }
    (group as Group<T, S>).calls.push({ call, reads });
    if (large) (group as Group<T, S>).large = true;
  }
  close();
  // A lone call runs as its kernel, but for a product: its loop sums in registers, row by row.
  return out.map((item) => {
    if (!('calls' in item) || item.calls.length !== 1 || item.sum !== null || item.products.length > 0)
      return item;
    const only = item.calls[0]!.call;
    return only.product === undefined ? only : item;
  });
}

/**
 * Rows of output (m) the products ending one loop have at most, all together: each row is a statement
 * in the loop's body (one per column when the loop is unrolled).
 */
const MAX_END_ROWS = 16;

/**
 * The loop that `call`, a product a @ r with a long sum (aᵀ @ g in a weight's gradient, or a plain
 * product on the JS gemm), can end, with the call of it whose result is the product's right operand r;
 * or null. That result must be whole, the loop's elements as the product's [k, n] (its k rows the
 * loop's), and the left operand no result of that loop or of anything after it, since the loop reads
 * it in place. Hoisting the product to the end of that loop, possibly an earlier one, is then safe:
 * the loop is the last writer of r (nothing after it writes r's buffer), and the product's own result
 * is new, so nothing in between reads it.
 */
function productEnds<T extends Pointwise, S extends Sum>(
  done: readonly (Group<T, S> | T | S)[],
  open: Group<T, S> | null,
  call: T,
): { group: Group<T, S>; of: number } | null {
  const p = call.product;
  if (p === undefined || p.k <= LONG_K || p.bp !== p.n || p.bj !== 1) return null;
  const items = open === null ? done : [...done, open];
  for (let at = items.length - 1; at >= 0; at--) {
    const item = items[at]!;
    const made = madeBy(item);
    if (made.some((d) => d.buffer === p.a.buffer)) return null;
    if (!made.some((d) => d.buffer === p.b.buffer)) continue;
    if (!('calls' in item) || item.rows !== p.k || item.cols !== p.n) return null;
    const rows = item.products.reduce((sum, { call: c }) => sum + c.product!.m, p.m);
    if (rows > MAX_END_ROWS) return null;
    const of = item.calls.findIndex(
      ({ call: c }) =>
        c.out.byteOffset === p.b.byteOffset && c.out.length === p.b.length && c.out.buffer === p.b.buffer,
    );
    return of < 0 ? null : { group: item, of };
  }
  return null;
}

/** The arrays a loop or a lone call writes. */
function madeBy(item: Group | Pointwise | Sum): Data[] {
  if (isSum(item)) return [item.acc, item.out];
  if (!('calls' in item)) return [item.out];
  return [
    ...item.calls.map(({ call }) => call.out),
    ...(item.sum ? [item.sum.call.acc, item.sum.call.out] : []),
    ...item.products.map(({ call }) => call.out),
  ];
}

/** Calls per loop at most: a function with thousands of locals is more than V8 optimizes well. */
const MAX_CALLS = 64;

/** Columns a nested loop runs as blocks of its own at most (see `fusedLoop`); with a large function, fewer. */
const MAX_UNROLLED = 8;
const MAX_UNROLLED_LARGE = 3;

function isSum(item: Group | Pointwise | Sum): item is Sum {
  return 'keep' in item;
}

/** Adds `sum` to `group` when it sums a whole result of the group over everything or down its columns. */
function sumIn<S extends Sum>(group: Group<Pointwise, S>, sum: S): boolean {
  const x = sum.x;
  const of = group.calls.findIndex((m) => m.call.out === x.data);
  if (of < 0 || !sameShape(x.shape, group.shape)) return false;
  const nd = group.shape.length;
  const leading = sum.keep.slice(0, -1).every((d) => d === 1);
  const last = sum.keep.at(-1) ?? 1;
  if (!leading || (last !== 1 && last !== group.shape[nd - 1])) return false;
  group.sum = { call: sum, of, columns: last !== 1 && group.cols > 1 };
  return true;
}

/** How `call` reads each input inside `group`, or null when it cannot join it. */
function readsIn(group: Group<Pointwise, Sum>, call: Pointwise, shape: readonly number[]): Read[] | null {
  const p = call.product;
  if (p !== undefined) {
    // A product reads its operands at other elements: none may be a result of the loop.
    const made = (d: Data) => group.calls.some((m) => m.call.out.buffer === d.buffer);
    return made(p.a) || made(p.b) ? null : [];
  }
  const reads: Read[] = [];
  for (const x of call.ins) {
    if (typeof x === 'number') {
      reads.push({ kind: 'number', value: x });
      continue;
    }
    const made = group.calls.findIndex((m) => m.call.out.buffer === x.data.buffer);
    if (made >= 0) {
      const m = group.calls[made]!.call.out;
      const whole =
        x.data.byteOffset === m.byteOffset && x.data.length === m.length && sameShape(x.shape, shape);
      if (!whole) return null;
      reads.push({ kind: 'member', index: made });
      continue;
    }
    const s = strides2d(x.shape, shape);
    if (s === null) return null;
    reads.push({ kind: 'array', data: x.data, ...s });
  }
  return reads;
}

/**
 * The arrays `group`'s loop reads that it does not compute itself: the operands of the products among
 * its calls too, and the left operands of the products that end it (their right one is a local).
 */
export function outsideReads(group: Group<Pointwise, Sum>): Data[] {
  const out: Data[] = [];
  for (const { call, reads } of group.calls) {
    if (call.product !== undefined) out.push(call.product.a, call.product.b);
    for (const rd of reads) if (rd.kind === 'array') out.push(rd.data);
  }
  for (const { call } of group.products) out.push(call.product!.a);
  return out;
}

/**
 * A function running `group`'s loop on its arrays, or null where code cannot be generated (a page
 * whose Content-Security-Policy forbids `new Function`): then each call runs as its own kernel.
 * A call's result is stored only where `stored(out)` holds: one that nothing outside the loop reads
 * (the caller knows the whole tape) lives in the loop's locals alone; the sum that ends the loop
 * stores its own result.
 */
export function fusedLoop(group: Group<Pointwise, Sum>, stored: (out: Data) => boolean): (() => void) | null {
  const bound: unknown[] = [];
  const bind = (v: unknown): string => {
    // NOTE: Object.is, not indexOf: the numbers 0 and −0 are two operands.
    let i = bound.findIndex((b) => Object.is(b, v));
    if (i < 0) i = bound.push(v) - 1;
    return `b${i}`;
  };
  const nested = group.rows > 1 && group.cols > 1;
  // NOTE: a nested loop of a few columns runs each column as a block of its own, `c` a constant there:
  // straight code, with the column sums and the products' partial sums in locals (W4's step a fifth
  // faster; a chain of plain arithmetic 3.5 → 2.0 ns an element). Each block inlines the per-element
  // functions again, and V8 stops inlining past three copies of a large one (sigmoid on 4 to 7
  // columns: 9–12 ns an element unrolled, 8.4 as a loop).
  const unrolled = nested && group.cols <= (group.large ? MAX_UNROLLED_LARGE : MAX_UNROLLED);
  const copies: readonly (number | null)[] = unrolled ? [...Array(group.cols).keys()] : [null];
  const at = (row: number, col: number): string => {
    if (!nested) return group.rows > 1 ? term('i', row) : term('i', col);
    return indexSum([term('r', row), term('c', col)]);
  };
  // The row and column of the element being computed, as a product needs them.
  const rowIndex = nested ? 'r' : group.rows > 1 ? 'i' : '0';
  const colIndex = nested ? 'c' : group.rows > 1 ? '0' : 'i';
  const calls: string[] = [];
  group.calls.forEach(({ call, reads }, k) => {
    const args = reads.map((rd) => {
      if (rd.kind === 'member') return `t${rd.index}`;
      if (rd.kind === 'number') return bind(rd.value);
      return `${bind(rd.data)}[${at(rd.row, rd.col)}]`;
    });
    const value =
      call.product === undefined
        ? `${bind(call.scalar)}(${args.join(', ')})`
        : productValue(call.product, call.out instanceof Float32Array, bind, rowIndex, colIndex);
    // NOTE: a float32 output holds the result rounded; the next call reads what the kernel would read.
    calls.push(`const t${k} = ${call.out instanceof Float32Array ? `fround(${value})` : value};`);
    if (stored(call.out)) calls.push(`${bind(call.out)}[i] = t${k};`);
  });
  // Locals of the sum and of the products' partial sums (each output's group of four terms between
  // rows): one per column when unrolled; a rolled nested loop keeps the partials in an array of its
  // own per product, indexed by output.
  const sum = group.sum;
  const sumLocal = (col: number | null): string | null =>
    sum === null || !sum.columns ? 's' : col === null ? null : `s${col}`;
  const partLocal = (e: number, q: number, col: number | null): string | null =>
    nested && col === null ? null : `p${e}_${q}_${col ?? 0}`;
  const before: string[] = [];
  const after: string[] = [];
  if (sum !== null) {
    // NOTE: the kernel's order: each column (or everything) from 0, element after element, in float64.
    const acc = bind(sum.call.acc);
    if (!sum.columns) {
      before.push('let s = 0;');
      after.push(`${acc}[0] = s;`);
    } else if (unrolled) {
      for (const col of copies) {
        before.push(`let ${sumLocal(col)} = 0;`);
        after.push(`${acc}[${col}] = ${sumLocal(col)};`);
      }
    } else before.push(`${acc}.fill(0);`);
    if (sum.call.out !== sum.call.acc) after.push(`${bind(sum.call.out)}.set(${acc});`);
  }
  const partials = group.products.map(({ call }) =>
    nested && !unrolled ? bind(new Float64Array(call.product!.m * call.product!.n)) : null,
  );
  group.products.forEach(({ call }, e) => {
    before.push(`${bind(call.out)}.fill(0);`);
    for (let q = 0; q < call.product!.m; q++) {
      for (const col of copies)
        if (partLocal(e, q, col) !== null) before.push(`let ${partLocal(e, q, col)} = 0;`);
    }
  });
  /** What ends the body of column `col` (null: of every column, `c` the loop's): the sum's step and the products' terms. */
  const ends = (col: number | null): string[] => {
    const out: string[] = [];
    if (sum !== null) {
      const local = sumLocal(col);
      out.push(`${local ?? `${bind(sum.call.acc)}[${nested ? 'c' : 'i'}]`} += t${sum.of};`);
    }
    if (group.products.length > 0) {
      // NOTE: `gemmStrided`'s order for each output: four terms summed, then added to C (rounded there
      // when C is float32), from row 0; the last k mod 4 rows one at a time. `g` is the row's place in its four.
      const k4 = group.rows - (group.rows % 4);
      out.push(`const g = ${rowIndex} & 3;`);
      group.products.forEach(({ call, of }, e) => {
        const p = call.product!;
        const [a, c] = [bind(p.a), bind(call.out)];
        for (let q = 0; q < p.m; q++) {
          const o = col === null ? indexSum([String(q * p.n), colIndex]) : String(q * p.n + col);
          const part = partLocal(e, q, col) ?? `${partials[e]}[${o}]`;
          const u = `${a}[${indexSum([term(rowIndex, p.ap), String(q * p.ai)])}] * t${of}`;
          const tail = k4 < group.rows ? `if (${rowIndex} >= ${k4}) ${c}[${o}] += u; else ` : '';
          out.push(
            `{ const u = ${u}; ${tail}if (g === 0) ${part} = u; else if (g !== 3) ${part} += u; else ${c}[${o}] += ${part} + u; }`,
          );
        }
      });
    }
    return out;
  };
  const body = (col: number | null) => [...calls, ...ends(col)].join('\n');
  const loop = unrolled
    ? `for (let r = 0, i = 0; r < ${group.rows}; r++) {\n${copies.map((col) => `{\nconst c = ${col};\n${body(col)}\ni++;\n}`).join('\n')}\n}`
    : nested
      ? `for (let r = 0, i = 0; r < ${group.rows}; r++) for (let c = 0; c < ${group.cols}; c++, i++) {\n${body(null)}\n}`
      : `for (let i = 0; i < ${group.rows * group.cols}; i++) {\n${body(null)}\n}`;
  const source = `const fround = Math.fround;\n${bound.map((_, i) => `const b${i} = fns[${i}];`).join('\n')}\n${[...before, loop, ...after].join('\n')}`;
  // NOTE: one function per source and kinds of what it binds, kept for the process and handed its
  // arrays at each call: its type feedback (the one op called at each site, the arrays' element types)
  // stays monomorphic, so V8 inlines the per-element functions, and a step compiled again (each run of
  // a benchmark, a recapture) starts with the optimized code instead of warming up new functions.
  const key = `${source}\n${bound.map(kindOf).join(',')}`;
  let loopFn = loops.get(key);
  if (loopFn === undefined) {
    try {
      loopFn = new Function('fns', source) as Loop;
    } catch (e) {
      // NOTE: only a refusal to evaluate code; a SyntaxError would be a bug of this generator, not slow code.
      if (e instanceof EvalError) return null;
      throw e;
    }
    if (loops.size >= MAX_LOOPS) loops.delete(loops.keys().next().value!);
    loops.set(key, loopFn);
  }
  const run = loopFn;
  return () => run(bound);
}

type Loop = (fns: readonly unknown[]) => void;

/** The generated loops by source and bound kinds (see `kindOf`); the oldest is dropped past MAX_LOOPS. */
const loops = new Map<string, Loop>();
const MAX_LOOPS = 512;

/** Each per-element function's number, for the cache key. */
const functionIds = new WeakMap<object, number>();
let nextFunctionId = 0;

/** What of a bound value the generated code's speed depends on: which function, which element type. */
function kindOf(v: unknown): string {
  if (typeof v === 'function') {
    let id = functionIds.get(v);
    if (id === undefined) {
      id = nextFunctionId++;
      functionIds.set(v, id);
    }
    return `f${id}`;
  }
  return v instanceof Float32Array ? 'F32' : v instanceof Float64Array ? 'F64' : 'n';
}

/**
 * Element (row, col) of a product as source text, summed as `gemmStrided` sums it into a zeroed C:
 * groups of four products added to C in turn, then the last k mod 4 one at a time, each add rounded
 * to float32 where C is float32.
 */
function productValue(
  p: StridedProduct,
  f32: boolean,
  bind: (v: unknown) => string,
  row: string,
  col: string,
): string {
  const [a, b] = [bind(p.a), bind(p.b)];
  const index = (i: string, si: number, q: number, sq: number) => indexSum([term(i, si), String(q * sq)]);
  const product = (q: number) => `${a}[${index(row, p.ai, q, p.ap)}] * ${b}[${index(col, p.bj, q, p.bp)}]`;
  const rounded = (x: string) => (f32 ? `fround(${x})` : `(${x})`);
  let sum = '0';
  let q = 0;
  for (; q + 3 < p.k; q += 4)
    sum = rounded(`${sum} + (${[0, 1, 2, 3].map((d) => product(q + d)).join(' + ')})`);
  for (; q < p.k; q++) sum = rounded(`${sum} + ${product(q)}`);
  return sum;
}

/** `index·stride` as source text, folded where the index or the stride is 0, or the stride 1. */
function term(index: string, stride: number): string {
  return stride === 0 || index === '0' ? '0' : stride === 1 ? index : `${index} * ${stride}`;
}

/** A sum of index terms as source text, without its zero terms. */
function indexSum(terms: readonly string[]): string {
  const kept = terms.filter((t) => t !== '0');
  return kept.length === 0 ? '0' : kept.join(' + ');
}
