/** @file safetensors: bit-exact round trips, PyTorch's files, and hostile files that must fail cleanly. */

import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it, test } from 'vitest';
import {
  fromTypedArray,
  Linear,
  loadSafetensors,
  MAX_HEADER_BYTES,
  MLP,
  saveSafetensors,
  type Tensor,
  tensor,
} from '../../src/index.js';
import { testProp } from '../support/property.js';

/** A file from a header object and a data section, as a hostile writer would make it. */
function file(header: unknown, data: Uint8Array = new Uint8Array(0), declared?: bigint): Uint8Array {
  const json = new TextEncoder().encode(typeof header === 'string' ? header : JSON.stringify(header));
  const out = new Uint8Array(8 + json.length + data.length);
  new DataView(out.buffer).setBigUint64(0, declared ?? BigInt(json.length), true);
  out.set(json, 8);
  out.set(data, 8 + json.length);
  return out;
}
const f32 = (name: string, shape: number[], offsets: [number, number]) => ({
  [name]: { dtype: 'F32', shape, data_offsets: offsets },
});
const bytesOf = (t: Tensor) => new Uint8Array(t.array.data.buffer.slice(0));

const arrayArb = fc
  .tuple(fc.array(fc.integer({ min: 0, max: 4 }), { maxLength: 3 }), fc.boolean())
  .chain(([shape, is64]) => {
    const n = shape.reduce((a, b) => a * b, 1);
    const values = is64
      ? fc.float64Array({ minLength: n, maxLength: n })
      : fc.float32Array({ minLength: n, maxLength: n });
    return values.map((v) => fromTypedArray(v, shape));
  });

describe('saveSafetensors / loadSafetensors', () => {
  testProp([fc.dictionary(fc.stringMatching(/^[a-z][a-z0-9_.]{0,8}$/), arrayArb, { maxKeys: 5 })], {
    numRuns: 60,
  })('round trip is bit-exact (NaN, −0 and ±Infinity included), names, shapes and dtypes kept', (dict) => {
    const { tensors } = loadSafetensors(saveSafetensors(dict));
    expect(Object.keys(tensors)).toEqual(Object.keys(dict));
    for (const [name, t] of Object.entries(dict)) {
      expect(tensors[name]!.shape).toEqual(t.shape);
      expect(tensors[name]!.dtype).toBe(t.dtype);
      expect(bytesOf(tensors[name]!)).toEqual(bytesOf(t));
    }
  });

  it('keeps __metadata__; the data starts 8-byte aligned; a Buffer or ArrayBuffer loads', () => {
    const bytes = saveSafetensors({ w: tensor([1, 2, 3]) }, { metadata: { format: 'pt', epoch: '3' } });
    expect(Number(new DataView(bytes.buffer).getBigUint64(0, true)) % 8).toBe(0);
    expect(loadSafetensors(bytes).metadata).toEqual({ format: 'pt', epoch: '3' });
    expect(loadSafetensors(Buffer.from(bytes)).tensors.w!.toArray()).toEqual([1, 2, 3]);
    expect(loadSafetensors(bytes.slice().buffer).tensors.w!.toArray()).toEqual([1, 2, 3]);
  });

  it('save refuses what it cannot write faithfully', () => {
    expect(() => saveSafetensors({ w: [1] as unknown as Tensor })).toThrow(/'w' is not a Tensor/);
    expect(() => saveSafetensors({ w: tensor(1) }, { metadata: { n: 3 as unknown as string } })).toThrow(
      /metadata must be an object of strings/,
    );
    expect(() => saveSafetensors(JSON.parse('{"__proto__": 1}'))).toThrow(/not allowed/);
    expect(() => saveSafetensors({ __metadata__: tensor(1) })).toThrow(/reserved/);
  });

  it('model → file → new model → same outputs', () => {
    const a = new MLP([3, 4, 2], { dtype: 'float32' });
    const b = new MLP([3, 4, 2], { dtype: 'float32' });
    b.loadStateDict(loadSafetensors(saveSafetensors(a.stateDict())).tensors);
    const x = tensor([[1, 2, 3]], { dtype: 'float32' });
    expect(b.forward(x).toArray()).toEqual(a.forward(x).toArray());
  });
});

describe('files written from PyTorch', () => {
  // test/fixtures/torch-mlp-*.safetensors: weights of torch.nn.Sequential(Linear(2, 3), Tanh(), Linear(3, 1))
  // and its output on an input, both stored by scripts/make-safetensors-fixture.py (see its docstring).
  for (const [tag, dtype] of [
    ['f32', 'float32'],
    ['f64', 'float64'],
  ] as const) {
    it(`${tag}: loads into the same MLP and computes PyTorch's output`, () => {
      const { tensors, metadata } = loadSafetensors(
        readFileSync(`test/fixtures/torch-mlp-${tag}.safetensors`),
      );
      expect(metadata.format).toBe('pt');
      expect(Object.keys(tensors).sort()).toEqual(['0.bias', '0.weight', '2.bias', '2.weight']);
      const model = new MLP([2, 3, 1], { activation: 'tanh', dtype });
      model.loadStateDict(tensors);
      const y = model.forward(tensor(JSON.parse(metadata.input!), { dtype }));
      const want = JSON.parse(metadata.output!) as number[][];
      expect(y.toArray()).toEqual(
        want.map((r) => r.map((v) => expect.closeTo(v, dtype === 'float32' ? 6 : 14))),
      );
    });
  }

  it('what chainrule writes has the same layout PyTorch’s loader reads (header, offsets, padding)', () => {
    const fixture = loadSafetensors(readFileSync('test/fixtures/torch-mlp-f32.safetensors'));
    const ours = saveSafetensors(fixture.tensors, { metadata: fixture.metadata });
    const again = loadSafetensors(ours);
    for (const name of Object.keys(fixture.tensors)) {
      expect(bytesOf(again.tensors[name]!)).toEqual(bytesOf(fixture.tensors[name]!));
    }
  });
});

describe('hostile files: a clear error naming the problem, never a crash', () => {
  const four = new Uint8Array(4);
  const cases: [string, Uint8Array, RegExp][] = [
    ['too short', new Uint8Array(5), /fewer than the 8 of the header length/],
    [
      'header length past the file',
      file({}, four, 1000n),
      /header length 1000 runs past the end of the file/,
    ],
    ['header length over the limit', file({}, four, BigInt(MAX_HEADER_BYTES) + 1n), /over the limit/],
    ['header length 2⁶⁴ − 1', file({}, four, 2n ** 64n - 1n), /over the limit/],
    ['not JSON', file('{"a": [1, 2'), /not valid JSON/],
    ['not an object', file('[1, 2]'), /not a JSON object/],
    [
      'invalid UTF-8',
      (() => {
        const f = file('{"a":1}');
        f[9] = 0xff;
        return f;
      })(),
      /not valid UTF-8/,
    ],
    [
      'duplicate keys',
      file(
        '{"w": {"dtype": "F32", "shape": [1], "data_offsets": [0, 4]}, "w": {"dtype": "F32", "shape": [1], "data_offsets": [0, 4]}}',
        four,
      ),
      /key "w" appears twice/,
    ],
    [
      'duplicate keys inside an entry',
      file('{"w": {"dtype": "F32", "dtype": "F64", "shape": [1], "data_offsets": [0, 4]}}', four),
      /key "dtype" appears twice/,
    ],
    [
      '__proto__ as a name',
      file('{"__proto__": {"dtype": "F32", "shape": [1], "data_offsets": [0, 4]}}', four),
      /"__proto__" is not allowed/,
    ],
    ['constructor as a name', file(f32('constructor', [1], [0, 4]), four), /"constructor" is not allowed/],
    ['prototype as a name', file(f32('prototype', [1], [0, 4]), four), /"prototype" is not allowed/],
    [
      'unknown dtype',
      file({ w: { dtype: 'Q7', shape: [1], data_offsets: [0, 4] } }, four),
      /tensor "w": dtype "Q7" is unknown/,
    ],
    [
      'unsupported dtype',
      file({ w: { dtype: 'BF16', shape: [2], data_offsets: [0, 4] } }, four),
      /dtype "BF16" is not supported/,
    ],
    [
      'NaN in a shape',
      file('{"w": {"dtype": "F32", "shape": [NaN], "data_offsets": [0, 4]}}', four),
      /not valid JSON/,
    ],
    [
      'null in a shape (JSON.stringify(NaN))',
      file(f32('w', [Number.NaN], [0, 4]), four),
      /tensor "w": shape \[null\] has a size that is not a whole number/,
    ],
    ['negative size', file(f32('w', [-1], [0, 4]), four), /not a whole number ≥ 0/],
    ['fractional size', file(f32('w', [0.5], [0, 4]), four), /not a whole number ≥ 0/],
    [
      'huge shape',
      file(f32('w', [2 ** 30, 2 ** 30, 2 ** 30], [0, 4]), four),
      /needs more bytes than the file has/,
    ],
    [
      'product disagrees with the bytes',
      file(f32('w', [2], [0, 4]), new Uint8Array(8)),
      /shape \[2\] of F32 needs 8 bytes, data_offsets give 4/,
    ],
    ['offsets out of range', file(f32('w', [1], [4, 8]), four), /data_offsets \[4, 8\] are out of range/],
    ['offsets reversed', file(f32('w', [0], [4, 0]), four), /out of range/],
    [
      'offsets not numbers',
      file({ w: { dtype: 'F32', shape: [1], data_offsets: ['0', '4'] } }, four),
      /data_offsets must be two whole numbers/,
    ],
    ['overlapping tensors', file({ ...f32('a', [1], [0, 4]), ...f32('b', [1], [0, 4]) }, four), /overlap/],
    ['a gap', file(f32('w', [1], [4, 8]), new Uint8Array(8)), /leave bytes 0..4 unused/],
    [
      'trailing bytes',
      file(f32('w', [1], [0, 4]), new Uint8Array(8)),
      /the data has 8 bytes, the tensors cover 4/,
    ],
    [
      'an extra field',
      file({ w: { dtype: 'F32', shape: [1], data_offsets: [0, 4], eval: 'x' } }, four),
      /unknown field "eval"/,
    ],
    ['metadata not strings', file({ __metadata__: { a: 1 } }), /__metadata__ value of "a" is not a string/],
    [
      'metadata __proto__',
      file('{"__metadata__": {"__proto__": "x"}}'),
      /__metadata__ key "__proto__" is not allowed/,
    ],
  ];
  test.each(cases)('%s', (_name, bytes, message) => {
    expect(() => loadSafetensors(bytes)).toThrow(message);
    expect(() => loadSafetensors(bytes)).toThrow(/^loadSafetensors: /);
  });

  it('no prototype pollution, whatever the file says', () => {
    const hostile = [
      '{"__proto__": {"polluted": "yes"}}',
      '{"__metadata__": {"__proto__": {"polluted": "yes"}}}',
      '{"w": {"dtype": "F32", "shape": [1], "data_offsets": [0, 4], "__proto__": {"polluted": "yes"}}}',
      '{"constructor": {"prototype": {"polluted": "yes"}}}',
    ];
    for (const h of hostile) expect(() => loadSafetensors(file(h, four))).toThrow(/^loadSafetensors: /);
    expect(({} as { polluted?: unknown }).polluted).toBeUndefined();
    expect((Object.prototype as { polluted?: unknown }).polluted).toBeUndefined();
  });

  it('a failed load into a model changes no parameter', () => {
    const model = new Linear(2, 1);
    const before = model.weight.toArray();
    const bytes = saveSafetensors({ weight: tensor([[1, 2]]), bias: tensor([1, 2]) });
    expect(() => model.loadStateDict(loadSafetensors(bytes).tensors)).toThrow(/'bias' has shape \[2\]/);
    expect(model.weight.toArray()).toEqual(before);
  });

  const valid = saveSafetensors(
    {
      a: tensor([
        [1, 2],
        [3, 4],
      ]),
      b: tensor([0.5], { dtype: 'float32' }),
    },
    { metadata: { k: 'v' } },
  );
  const corrupt = fc.oneof(
    // flipped bytes anywhere
    fc
      .array(fc.tuple(fc.nat(valid.length - 1), fc.integer({ min: 0, max: 255 })), {
        minLength: 1,
        maxLength: 8,
      })
      .map((flips) => {
        const f = valid.slice();
        for (const [at, v] of flips) f[at] = v;
        return f;
      }),
    // cut short or padded with garbage
    fc.nat(valid.length).map((n) => valid.slice(0, n)),
    fc.uint8Array({ minLength: 1, maxLength: 64 }).map((tail) => Uint8Array.from([...valid, ...tail])),
    // any header length, any bytes
    fc
      .tuple(fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }), fc.uint8Array({ maxLength: 200 }))
      .map(([n, rest]) => {
        const f = new Uint8Array(8 + rest.length);
        new DataView(f.buffer).setBigUint64(0, n, true);
        f.set(rest, 8);
        return f;
      }),
    // random JSON headers
    fc.tuple(fc.json(), fc.uint8Array({ maxLength: 32 })).map(([h, data]) => file(h, data)),
  );
  testProp([corrupt], { numRuns: 400 })(
    'fast-check corrupt files: a result or a loadSafetensors error, never anything else',
    (bytes) => {
      try {
        const { tensors } = loadSafetensors(bytes);
        for (const t of Object.values(tensors))
          expect(t.size * (t.dtype === 'float64' ? 8 : 4)).toBeLessThanOrEqual(bytes.length);
      } catch (e) {
        expect(e).toBeInstanceOf(TypeError);
        expect((e as Error).message).toMatch(/^loadSafetensors: /);
      }
    },
  );
});
