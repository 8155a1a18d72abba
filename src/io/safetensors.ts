/**
 * @file safetensors: tensors by name to bytes and back, in the format PyTorch's `safetensors` reads
 * and writes (8-byte little-endian header length, a JSON header, raw little-endian data). Loading
 * treats the file as hostile: every field is checked before anything is allocated.
 */

import { checkOptions, type OptionNames } from '../errors.js';
import { alloc, type DType, NDArray } from '../kernels/ndarray.js';
import { Tensor } from '../tensor/tensor.js';
import { duplicateKey } from './json-keys.js';

/** What `loadSafetensors` returns: the tensors by name and the file's `__metadata__` (strings). */
export interface Safetensors {
  readonly tensors: Record<string, Tensor>;
  readonly metadata: Record<string, string>;
}

/** Options of `saveSafetensors`: `saveSafetensors(dict, { metadata: { epoch: '3' } })`. */
export interface SaveOptions {
  /** Free-form strings stored under `__metadata__` (a format tag, a training step). */
  readonly metadata?: Readonly<Record<string, string>>;
}

const SAVE_OPTIONS: OptionNames<SaveOptions> = { metadata: true };

/** The safetensors dtypes chainrule reads and writes, with their byte sizes. */
const DTYPES = { F64: { dtype: 'float64', bytes: 8 }, F32: { dtype: 'float32', bytes: 4 } } as const;
type FileDType = keyof typeof DTYPES;
/** Dtypes of the format that chainrule cannot hold: named in the error, as distinct from garbage. */
const OTHER_DTYPES = [
  'F16',
  'BF16',
  'F8_E4M3',
  'F8_E5M2',
  'I64',
  'I32',
  'I16',
  'I8',
  'U64',
  'U32',
  'U16',
  'U8',
  'BOOL',
];

/**
 * The reference implementation's limit on the header, in bytes; a longer header is refused before it is decoded.
 *
 * @example
 * loadSafetensors(bytes);   // a header over MAX_HEADER_BYTES is a TypeError
 */
export const MAX_HEADER_BYTES = 100_000_000;
const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;
const RESERVED = new Set(['__proto__', 'constructor', 'prototype']);

function fail(what: string): never {
  throw new TypeError(`loadSafetensors: ${what}`);
}

/** A name that is safe as a key of the returned object and means a tensor, not the metadata. */
function checkName(name: string, op: 'saveSafetensors' | 'loadSafetensors'): void {
  if (name === '' || RESERVED.has(name)) {
    throw new TypeError(
      `${op}: tensor name ${JSON.stringify(name)} is not allowed (empty or an Object property name); rename the tensor`,
    );
  }
}

/**
 * The bytes of a safetensors file holding `tensors` (float64 as F64, float32 as F32), in the order
 * given, with optional `metadata`. PyTorch reads it with `safetensors.torch.load_file`.
 *
 * @example
 * writeFileSync('model.safetensors', saveSafetensors(model.stateDict(), { metadata: { epoch: '10' } }));
 */
export function saveSafetensors(
  tensors: Readonly<Record<string, Tensor>>,
  options: SaveOptions = {},
): Uint8Array {
  if (typeof tensors !== 'object' || tensors === null || Array.isArray(tensors)) {
    throw new TypeError('saveSafetensors: expected an object of tensors by name, such as model.stateDict()');
  }
  checkOptions('saveSafetensors', options, SAVE_OPTIONS);
  const header: Record<string, unknown> = {};
  if (options.metadata !== undefined) {
    const meta = options.metadata;
    if (typeof meta !== 'object' || meta === null || Object.values(meta).some((v) => typeof v !== 'string')) {
      throw new TypeError(
        'saveSafetensors: metadata must be an object of strings; convert numbers with String()',
      );
    }
    header.__metadata__ = { ...meta };
  }
  const entries = Object.entries(tensors);
  let offset = 0;
  for (const [name, t] of entries) {
    if (name === '__metadata__')
      throw new TypeError('saveSafetensors: __metadata__ is reserved; pass metadata in the options');
    checkName(name, 'saveSafetensors');
    if (!(t instanceof Tensor)) throw new TypeError(`saveSafetensors: '${name}' is not a Tensor`);
    const size = t.size * (t.dtype === 'float64' ? 8 : 4);
    header[name] = {
      dtype: t.dtype === 'float64' ? 'F64' : 'F32',
      shape: [...t.shape],
      data_offsets: [offset, offset + size],
    };
    offset += size;
  }
  let json = new TextEncoder().encode(JSON.stringify(header));
  // NOTE: the header is padded with spaces so the data starts 8-byte aligned, as the reference writer does.
  const padded = Math.ceil(json.length / 8) * 8;
  if (padded !== json.length)
    json = new TextEncoder().encode(JSON.stringify(header) + ' '.repeat(padded - json.length));
  const bytes = new Uint8Array(8 + json.length + offset);
  const view = new DataView(bytes.buffer);
  view.setBigUint64(0, BigInt(json.length), true);
  bytes.set(json, 8);
  let at = 8 + json.length;
  for (const [, t] of entries) {
    const data = t.array.data;
    if (LITTLE_ENDIAN) bytes.set(new Uint8Array(data.buffer, data.byteOffset, data.byteLength), at);
    else if (data instanceof Float64Array)
      for (let i = 0; i < data.length; i++) view.setFloat64(at + 8 * i, data[i]!, true);
    else for (let i = 0; i < data.length; i++) view.setFloat32(at + 4 * i, data[i]!, true);
    at += data.byteLength;
  }
  return bytes;
}

interface Entry {
  readonly name: string;
  readonly dtype: DType;
  readonly bytesPer: number;
  readonly shape: number[];
  readonly begin: number;
  readonly end: number;
}

/**
 * Reads a safetensors file (bytes of a file PyTorch or chainrule wrote). A file that breaks the
 * format in any way (a header length past the end, bad JSON, duplicate or reserved keys, unknown
 * dtypes, shapes that are not lists of sizes, offsets out of range, overlapping or leaving gaps, sizes
 * that disagree with the bytes) is a TypeError naming the tensor and the problem; nothing is
 * evaluated and no array larger than the file is made.
 *
 * @example
 * const { tensors, metadata } = loadSafetensors(readFileSync('model.safetensors'));
 * model.loadStateDict(tensors);
 */
export function loadSafetensors(bytes: Uint8Array | ArrayBuffer): Safetensors {
  if (bytes instanceof ArrayBuffer) bytes = new Uint8Array(bytes);
  if (!(bytes instanceof Uint8Array)) fail('expected the bytes of a file (a Uint8Array or a Buffer)');
  if (bytes.length < 8) fail(`the file has ${bytes.length} bytes, fewer than the 8 of the header length`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const headerLength = view.getBigUint64(0, true);
  if (headerLength > BigInt(MAX_HEADER_BYTES))
    fail(`header length ${headerLength} is over the limit of ${MAX_HEADER_BYTES} bytes`);
  if (headerLength > BigInt(bytes.length - 8)) {
    fail(`header length ${headerLength} runs past the end of the file (${bytes.length - 8} bytes follow it)`);
  }
  const n = Number(headerLength);
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(8, 8 + n));
  } catch {
    fail('the header is not valid UTF-8');
  }
  if (!text.startsWith('{')) fail('the header is not a JSON object');
  let header: unknown;
  try {
    header = JSON.parse(text);
  } catch (e) {
    fail(`the header is not valid JSON (${(e as Error).message})`);
  }
  if (typeof header !== 'object' || header === null || Array.isArray(header))
    fail('the header is not a JSON object');
  const dup = duplicateKey(text);
  if (dup !== null) fail(`key ${JSON.stringify(dup)} appears twice in the header`);

  const buffer = bytes.length - 8 - n;
  const metadata = readMetadata((header as Record<string, unknown>).__metadata__);
  const entries = Object.entries(header)
    .filter(([name]) => name !== '__metadata__')
    .map(([name, spec]) => readEntry(name, spec, buffer));
  checkLayout(entries, buffer);

  const tensors: Record<string, Tensor> = Object.create(null);
  for (const e of entries) tensors[e.name] = new Tensor(readData(view, 8 + n, e));
  return { tensors, metadata };
}

function readMetadata(meta: unknown): Record<string, string> {
  const out: Record<string, string> = Object.create(null);
  if (meta === undefined) return out;
  if (typeof meta !== 'object' || meta === null || Array.isArray(meta))
    fail('__metadata__ is not an object of strings');
  for (const [k, v] of Object.entries(meta)) {
    if (RESERVED.has(k)) fail(`__metadata__ key ${JSON.stringify(k)} is not allowed`);
    if (typeof v !== 'string') fail(`__metadata__ value of ${JSON.stringify(k)} is not a string`);
    out[k] = v;
  }
  return out;
}

function readEntry(name: string, spec: unknown, buffer: number): Entry {
  try {
    checkName(name, 'loadSafetensors');
  } catch (e) {
    fail((e as Error).message.replace(/^loadSafetensors: /, ''));
  }
  const at = `tensor ${JSON.stringify(name)}`;
  if (typeof spec !== 'object' || spec === null || Array.isArray(spec))
    fail(`${at}: its entry is not an object`);
  const fields = Object.keys(spec);
  const extra = fields.find((f) => f !== 'dtype' && f !== 'shape' && f !== 'data_offsets');
  if (extra !== undefined) fail(`${at}: unknown field ${JSON.stringify(extra)}`);
  const { dtype, shape, data_offsets: offsets } = spec as Record<string, unknown>;
  if (typeof dtype !== 'string' || !Object.hasOwn(DTYPES, dtype)) {
    const why = OTHER_DTYPES.includes(dtype as string)
      ? 'not supported (chainrule holds F64 and F32)'
      : 'unknown';
    fail(
      `${at}: dtype ${JSON.stringify(dtype)} is ${why}; convert the tensor to float32 or float64 before saving`,
    );
  }
  const { dtype: ours, bytes: bytesPer } = DTYPES[dtype as FileDType];
  if (!Array.isArray(shape)) fail(`${at}: shape is not a list of sizes`);
  for (const d of shape) {
    if (typeof d !== 'number' || !Number.isSafeInteger(d) || d < 0) {
      fail(`${at}: shape ${JSON.stringify(shape)} has a size that is not a whole number ≥ 0`);
    }
  }
  let count = shape.includes(0) ? 0 : 1;
  for (const d of shape) {
    count *= d;
    // NOTE: checked as it grows, so a shape of many huge sizes cannot overflow to a small product
    if (count * bytesPer > buffer) {
      fail(`${at}: shape ${JSON.stringify(shape)} needs more bytes than the file has (${buffer})`);
    }
  }
  if (
    !Array.isArray(offsets) ||
    offsets.length !== 2 ||
    !offsets.every((o) => typeof o === 'number' && Number.isSafeInteger(o) && o >= 0)
  ) {
    fail(`${at}: data_offsets must be two whole numbers [begin, end]`);
  }
  const [begin, end] = offsets as [number, number];
  if (begin > end || end > buffer)
    fail(`${at}: data_offsets [${begin}, ${end}] are out of range (the data has ${buffer} bytes)`);
  if (end - begin !== count * bytesPer) {
    fail(
      `${at}: shape ${JSON.stringify(shape)} of ${dtype} needs ${count * bytesPer} bytes, data_offsets give ${end - begin}`,
    );
  }
  return { name, dtype: ours, bytesPer, shape: shape as number[], begin, end };
}

/** Tensors tile the data exactly: no overlap, no gap, nothing after the last (as the reference reader checks). */
function checkLayout(entries: readonly Entry[], buffer: number): void {
  const sorted = [...entries].sort((a, b) => a.begin - b.begin || a.end - b.end);
  let at = 0;
  for (const e of sorted) {
    if (e.begin < at)
      fail(`tensor ${JSON.stringify(e.name)}: data_offsets [${e.begin}, ${e.end}] overlap another tensor's`);
    if (e.begin > at)
      fail(
        `tensor ${JSON.stringify(e.name)}: data_offsets [${e.begin}, ${e.end}] leave bytes ${at}..${e.begin} unused`,
      );
    at = e.end;
  }
  if (at !== buffer) fail(`the data has ${buffer} bytes, the tensors cover ${at}`);
}

/** Bytes copied as they are (bit-exact, NaN payloads included) on little-endian hosts; decoded otherwise. */
function readData(view: DataView, start: number, e: Entry): NDArray {
  const count = (e.end - e.begin) / e.bytesPer;
  const data = alloc(e.dtype, count);
  const at = start + e.begin;
  if (LITTLE_ENDIAN) {
    new Uint8Array(data.buffer).set(new Uint8Array(view.buffer, view.byteOffset + at, e.end - e.begin));
  } else if (e.bytesPer === 8) for (let i = 0; i < count; i++) data[i] = view.getFloat64(at + 8 * i, true);
  else for (let i = 0; i < count; i++) data[i] = view.getFloat32(at + 4 * i, true);
  return new NDArray(data, e.shape);
}
