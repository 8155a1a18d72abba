#!/usr/bin/env node
/**
 * @file The benchmark orchestrator: `npm run bench [-- flags]` (see bench/README.md).
 *
 * 1. installs bench/node_modules if missing (`npm ci --prefix bench`, TF.js lives there only);
 * 2. builds chainrule if dist/index.js is missing or older than src/;
 * 3. finds a Python that imports torch, if PyTorch is selected (skipped with a hint when absent);
 * 4. runs every selected case in every selected library, one child process per
 *    library × case × variant (`node --expose-gc bench/worker.mjs ...`, or
 *    `python3 bench/libs/torch_worker.py ...` with the case's data in a temporary JSON file), one after
 *    another, each with a timeout;
 * 5. checks that every library computed the same loss (and gradient/parameter checksum);
 * 6. prints one table and writes it as JSON to bench/results/latest.json.
 *
 * Exit code: 0 all good, 1 a library computed a different answer, 2 a child failed or timed out
 * (or setup failed).
 */

import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { CASES, LIB_GROUPS, LIBS, PEERS } from './cases.mjs';
import { dataFor } from './data.mjs';
import { close, fmtMs, fmtRatio, fmtSi, relDiff, renderTable } from './stats.mjs';

const BENCH = path.dirname(fileURLToPath(import.meta.url));
const ROOT = path.dirname(BENCH);
const RESULT_MARKER = '@@BENCH_RESULT ';
const SHORT = { chainrule: 'chainrule', 'tfjs-cpu': 'cpu', 'tfjs-wasm': 'wasm', torch: 'torch' };
const TORCH_WORKER = path.join(BENCH, 'libs', 'torch_worker.py');
const TORCH_HINT =
  "PyTorch not found (python3 -c 'import torch' fails): on Debian `apt-get install -y python3-torch`, " +
  'or set BENCH_PYTHON to a python that has torch';

const HELP = `usage: npm run bench -- [flags]
  --workloads W1,W3      workloads to run (W1 W2 W3 W4 W5 W6 W7 MEM; default all)
  --sizes 128,256        sizes for multi-size workloads (W2: 10k,100k,1M; W3: 128,256,512)
  --libs a,b             libraries (chainrule,tfjs-cpu,tfjs-wasm,torch; tfjs = both TF.js backends;
                         default all, torch only if python3 can import it)
  --runs N               timed runs per case after warm-up (default 5; slow cases may use fewer)
  --warmup N             warm-up runs (default 1)
  --timeout S            seconds before a child process is killed (default 600)
  --gc-stats             JS libraries: time V8's collector took inside the timed runs (notes column)
  --json PATH            where to write the JSON (default bench/results/latest.json)
  --help`;

function parseList(s) {
  return s
    ? s
        .split(',')
        .map((x) => x.trim())
        .filter(Boolean)
    : null;
}

/** "10k" → 10000, "1M" → 1000000, "1,000" is not accepted (commas separate list items). */
function parseSize(s) {
  const m = /^(\d+(?:\.\d+)?)([kKmM]?)$/.exec(s);
  if (!m) throw new Error(`bad size ${s}`);
  const mult = { '': 1, k: 1e3, K: 1e3, m: 1e6, M: 1e6 }[m[2]];
  return Math.round(Number(m[1]) * mult);
}

function options() {
  const { values } = parseArgs({
    options: {
      workloads: { type: 'string' },
      sizes: { type: 'string' },
      libs: { type: 'string' },
      runs: { type: 'string', default: '5' },
      warmup: { type: 'string', default: '1' },
      timeout: { type: 'string', default: '600' },
      json: { type: 'string', default: path.join(BENCH, 'results', 'latest.json') },
      'gc-stats': { type: 'boolean', default: false },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) {
    console.log(HELP);
    process.exit(0);
  }
  const named = parseList(values.libs)?.flatMap((l) => LIB_GROUPS[l] ?? [l]);
  for (const l of named ?? [])
    if (!LIBS.includes(l))
      throw new Error(`unknown library ${l} (have ${[...LIBS, ...Object.keys(LIB_GROUPS)].join(', ')})`);
  // in LIBS order, each once
  const libs = named ? LIBS.filter((l) => named.includes(l)) : LIBS;
  const workloads = parseList(values.workloads)?.map((w) => w.toUpperCase());
  const known = new Set(CASES.map((c) => c.workload));
  for (const w of workloads ?? []) if (!known.has(w)) throw new Error(`unknown workload ${w}`);
  const sizes = parseList(values.sizes)?.map(parseSize);
  const runs = Number(values.runs);
  const warmup = Number(values.warmup);
  const timeout = Number(values.timeout);
  if (!(runs >= 1) || !(warmup >= 0) || !(timeout > 0))
    throw new Error('--runs ≥ 1, --warmup ≥ 0, --timeout > 0');
  return {
    libs,
    libsNamed: named !== undefined,
    workloads,
    sizes,
    runs,
    warmup,
    timeout,
    gcStats: values['gc-stats'],
    json: values.json,
  };
}

/** Cases after --workloads/--sizes; --sizes only filters workloads that come in several sizes. */
function selectCases(opts) {
  const multiSize = new Set(
    CASES.map((c) => c.workload).filter((w, _, all) => all.filter((x) => x === w).length > 1),
  );
  return CASES.filter(
    (c) =>
      (!opts.workloads || opts.workloads.includes(c.workload)) &&
      (!opts.sizes || !multiSize.has(c.workload) || opts.sizes.includes(c.size)) &&
      [...c.libs, ...Object.keys(c.unsupported ?? {})].some((l) => opts.libs.includes(l)),
  );
}

// ---------------------------------------------------------------------------------------------
// Setup: dependencies and build
// ---------------------------------------------------------------------------------------------

function sh(cmd, args, cwd) {
  console.error(`$ ${cmd} ${args.join(' ')}`);
  const r = spawnSync(cmd, args, { cwd, stdio: 'inherit', shell: process.platform === 'win32' });
  return r.status === 0;
}

function ensureBenchDeps(libs) {
  if (!libs.some((l) => l.startsWith('tfjs'))) return true;
  if (fs.existsSync(path.join(BENCH, 'node_modules', '@tensorflow', 'tfjs', 'package.json'))) return true;
  return sh('npm', ['ci', '--prefix', 'bench', '--no-audit', '--no-fund'], ROOT);
}

function newestMtime(dir) {
  let t = 0;
  const walk = (d) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else t = Math.max(t, fs.statSync(p).mtimeMs);
    }
  };
  if (fs.existsSync(dir)) walk(dir);
  return t;
}

function ensureChainruleBuild(libs) {
  if (!libs.includes('chainrule') || process.env.CHAINRULE_MODULE) return true;
  const dist = path.join(ROOT, 'dist', 'index.js');
  const built = fs.existsSync(dist) ? fs.statSync(dist).mtimeMs : 0;
  const sources = Math.max(
    newestMtime(path.join(ROOT, 'src')),
    fs.statSync(path.join(ROOT, 'package.json')).mtimeMs,
  );
  if (built && built >= sources) return true;
  console.error(
    built ? 'chainrule: src/ is newer than dist/, rebuilding' : 'chainrule: dist/index.js missing, building',
  );
  // A failed tsup .d.ts step still leaves dist/index.js behind: trust the exit code, not the file.
  return sh('npm', ['run', 'build'], ROOT);
}

/**
 * A Python that imports torch: $BENCH_PYTHON, else `python3`, else Debian's /usr/bin/python3 (which
 * python3-torch installs into, when `python3` on the PATH is another interpreter, pyenv's say).
 */
function findTorchPython() {
  const candidates = process.env.BENCH_PYTHON ? [process.env.BENCH_PYTHON] : ['python3', '/usr/bin/python3'];
  for (const python of candidates) {
    const r = spawnSync(python, ['-c', 'import torch'], { stdio: 'ignore' });
    if (r.status === 0) return python;
  }
  return null;
}

// ---------------------------------------------------------------------------------------------
// Children
// ---------------------------------------------------------------------------------------------

/** The command that runs one job, and a clean-up for after it. */
function childCommand({ lib, caseId, variant, runs, warmup }, c, python, opts) {
  const common = ['--case', caseId, '--variant', variant, '--runs', String(runs), '--warmup', String(warmup)];
  if (lib !== 'torch') {
    const args = ['--expose-gc', '--max-old-space-size=8192', path.join(BENCH, 'worker.mjs'), '--lib', lib];
    if (opts.gcStats) common.push('--gc-stats');
    return { cmd: process.execPath, args: [...args, ...common], env: process.env, cleanup: () => {} };
  }
  // PyTorch reads the very same doubles from a file (see dataFor in data.mjs).
  const file = path.join(os.tmpdir(), `chainrule-bench-${process.pid}-${caseId.replace(/\W/g, '_')}.json`);
  fs.writeFileSync(file, JSON.stringify(dataFor(c.workload, c.size)));
  // one thread, whatever torch.set_num_threads would find otherwise
  const env = { ...process.env, OMP_NUM_THREADS: '1', MKL_NUM_THREADS: '1', OPENBLAS_NUM_THREADS: '1' };
  return {
    cmd: python,
    args: [TORCH_WORKER, ...common, '--data', file],
    env,
    cleanup: () => fs.rmSync(file, { force: true }),
  };
}

function runChild(job, c, python, opts) {
  const { lib, caseId, variant } = job;
  const timeoutS = opts.timeout;
  const { cmd, args, env, cleanup } = childCommand(job, c, python, opts);
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    let timedOut = false;
    child.stdout.on('data', (d) => {
      stdout += d;
    });
    child.stderr.on('data', (d) => {
      stderr += d;
    });
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, timeoutS * 1000);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      cleanup();
      const base = { lib, variant, case: caseId };
      if (timedOut) return resolve({ ...base, status: 'timeout', error: `timed out after ${timeoutS} s` });
      const line = stdout.split('\n').find((l) => l.startsWith(RESULT_MARKER));
      if (!line) {
        const tail = stderr.trim().split('\n').slice(-5).join('\n');
        return resolve({ ...base, status: 'error', error: `exit ${code ?? signal}, no result\n${tail}` });
      }
      const r = JSON.parse(line.slice(RESULT_MARKER.length));
      resolve({ ...r, status: r.error ? 'error' : 'ok' });
    });
  });
}

// ---------------------------------------------------------------------------------------------
// Checking and reporting
// ---------------------------------------------------------------------------------------------

/**
 * Libraries that compute in float64 agree far more closely than with float32 TF.js: chainrule and
 * PyTorch in f64 give the same loss and checksums to about 1e-14 (different summation orders), so a
 * float64 result more than F64_RTOL away from the first float64 one is an error, not rounding.
 */
const F64_RTOL = 1e-9;
const isFloat64 = (r) => (r.lib === 'chainrule' || r.lib === 'torch') && !r.variant.startsWith('f32');

/**
 * Compares every run's loss and checksum of every result of a case with the first result (within the
 * case's tolerance), and every float64 result with the first float64 one (within F64_RTOL).
 */
function checkCase(c, results) {
  const ok = results.filter((r) => r.status === 'ok' && r.losses);
  if (ok.length === 0) return { status: 'none' };
  const problems = [];
  let worst = 0;
  const compare = (group, rtol) => {
    const ref = group[0];
    for (const r of group) {
      r.losses.forEach((loss, i) => {
        for (const [what, a, b] of [
          ['loss', loss, ref.loss],
          ['check', r.checks[i], ref.check],
        ]) {
          const d = relDiff(a, b);
          if (!close(a, b, rtol, c.atol ?? 0))
            problems.push(`${label(r)} ${what} ${a} vs ${label(ref)} ${b} (tolerance ${rtol})`);
          else if (Math.abs(a - b) > (c.atol ?? 0)) worst = Math.max(worst, d);
        }
      });
    }
  };
  compare(ok, c.rtol);
  const f64 = ok.filter(isFloat64);
  if (f64.length > 1) compare(f64, F64_RTOL);
  const unique = [...new Set(problems)];
  return { status: unique.length ? 'mismatch' : ok.length > 1 ? 'match' : 'single', problems: unique, worst };
}

const label = (r) => (r.variant ? `${r.lib} ${r.variant}` : r.lib);

const pct = (x) => `${x >= 0 ? '+' : ''}${(x * 100).toFixed(1)}%`;
const mb = (bytes) => `${(bytes / 1e6).toFixed(2)} MB`;

/** `row` maps each library to its result in this row (chainrule's variant, or the peer's match). */
function notesFor(c, row, opts) {
  const notes = [];
  const ok = (r) => r && r.status === 'ok';
  const inRow = opts.libs.map((l) => row[l]).filter(ok);
  if (c.flops && inRow.length) {
    notes.push(
      `GFLOP/s ${inRow.map((r) => `${SHORT[r.lib]} ${((c.flops / r.medianMs) * 1e-6).toFixed(2)}`).join(' · ')}`,
    );
  }
  if (c.steps && inRow.length) {
    notes.push(
      `ms/${c.stepName ?? 'step'} ${inRow.map((r) => `${SHORT[r.lib]} ${fmtMs(r.medianMs / c.steps)}`).join(' · ')}`,
    );
  }
  if (c.workload === 'W1') {
    const parts = inRow
      .filter((r) => r.meta?.ops)
      .map((r) => `${SHORT[r.lib]} ${fmtSi(r.meta.ops / (r.medianMs / 1000))}`);
    if (parts.length) notes.push(`fwd op nodes/s ${parts.join(' · ')}`);
  }
  const crRes = row.chainrule;
  if (c.memory && ok(crRes)) {
    const span = crRes.meta?.idSpan;
    const perId =
      span && span !== c.size
        ? `, ${fmtSi(span)} node ids: ${((crRes.bytesPerNode * c.size) / span).toFixed(0)} B/id`
        : '';
    notes.push(
      `${crRes.bytesPerNode.toFixed(0)} B per live add node (${fmtSi(c.size)} chain${perId}); cell = build ms`,
    );
  }
  if (c.growth && inRow.length) {
    const what = (r) => (r.meta.memory === 'rss' ? 'RSS' : 'heap');
    const parts = inRow.map(
      (r) =>
        `${SHORT[r.lib]} ${what(r)} ${r.meta.readings.map((k) => mb(k.total)).join(' → ')}, ${fmtMs(r.medianMs)} ms`,
    );
    const epochs = inRow[0].meta.readings.map((k) => k.epoch.toLocaleString('en-US'));
    notes.push(
      `cells = growth from epoch ${epochs[0]} to ${epochs[epochs.length - 1]}; at epochs ${epochs.join(', ')}: ${parts.join(' · ')}`,
    );
  }
  const withGc = inRow.filter((r) => r.gc);
  if (withGc.length) {
    const parts = withGc.map(
      (r) => `${SHORT[r.lib]} ${fmtMs(r.gc.ms)} (${r.gc.minor} minor, ${r.gc.major} major)`,
    );
    notes.push(`GC ms/run ${parts.join(' · ')}`);
  }
  for (const r of inRow) if (r.meta?.note) notes.push(`${SHORT[r.lib]}: ${r.meta.note}`);
  const cannot = [...new Set(opts.libs.map((l) => c.unsupported?.[l]).filter(Boolean))];
  for (const why of cannot) notes.push(`n/a: ${why}`);
  for (const lib of opts.libs) {
    const r = row[lib];
    if (ok(r) && (r.runs !== opts.runs || r.warmup !== opts.warmup)) {
      notes.push(`${SHORT[lib]}: ${r.warmup} warm-up + ${r.runs} runs`);
    }
    if (r?.leakedTensors) notes.push(`${SHORT[lib]}: ${r.leakedTensors} tensors leaked`);
  }
  return notes.join('; ');
}

function cell(r, c, lib) {
  if (c.unsupported?.[lib]) return 'n/a';
  if (!r) return '–';
  if (r.status === 'timeout') return 'TIMEOUT';
  if (r.status === 'error') return 'ERROR';
  return c.growth ? pct(r.growth) : fmtMs(r.medianMs);
}

/**
 * The rows of one case: the variants (f64, f32) any selected library has, in order; a library without
 * variants (TF.js computes in float32 only) appears in every row.
 */
function rowVariants(c, opts) {
  const vs = opts.libs.filter((l) => c.libs.includes(l)).flatMap((l) => c.variants?.[l] ?? []);
  return vs.length ? [...new Set(vs)] : [''];
}

function buildTable(cases, results, checks, opts) {
  const hasCr = opts.libs.includes('chainrule');
  const peers = PEERS.filter((p) => opts.libs.includes(p));
  const header = ['workload', 'size'];
  if (hasCr) header.push('chainrule ms');
  for (const p of peers) {
    header.push(`${p} ms`);
    if (hasCr) header.push(`× vs ${SHORT[p]}`);
  }
  header.push('loss', 'same', 'notes');
  const rightCols = header.map((h, j) => (/ms$|^×/.test(h) ? j : -1)).filter((j) => j >= 0);

  const rows = [];
  const structured = [];
  for (const c of cases) {
    const mine = results.filter((r) => r.case === c.id);
    const chk = checks.get(c.id);
    const mark = { match: '✓', single: '–', mismatch: '✗', none: '–' }[chk.status];
    const ref = mine.find((r) => r.status === 'ok' && r.loss !== undefined);
    for (const variant of rowVariants(c, opts)) {
      const precision = variant.replace(/ ?compile$/, '');
      const pick = (lib) =>
        mine.find((r) => r.lib === lib && r.variant === variant) ??
        mine.find((r) => r.lib === lib && r.variant === precision) ??
        mine.find((r) => r.lib === lib && r.variant === '');
      const byLib = Object.fromEntries(opts.libs.map((l) => [l, pick(l)]));
      const cr = byLib.chainrule;
      const row = [c.workload, c.sizeLabel + (variant ? ` ${variant}` : '')];
      const srow = {
        case: c.id,
        workload: c.workload,
        size: c.size,
        variant: variant || null,
        ms: {},
        ratio: {},
      };
      if (hasCr) {
        row.push(cell(cr, c, 'chainrule'));
        if (cr?.status === 'ok') srow.ms.chainrule = cr.medianMs;
      }
      for (const p of peers) {
        const r = byLib[p];
        row.push(cell(r, c, p));
        if (r?.status === 'ok') srow.ms[p] = r.medianMs;
        if (hasCr) {
          const timed = !c.memory && !c.growth;
          const ratio = timed && cr?.status === 'ok' && r?.status === 'ok' ? r.medianMs / cr.medianMs : null;
          row.push(fmtRatio(ratio));
          if (ratio) srow.ratio[p] = ratio;
        }
      }
      row.push(ref ? Number(ref.loss).toPrecision(7) : '–', mark, notesFor(c, byLib, opts));
      srow.loss = ref?.loss ?? null;
      srow.same = chk.status;
      if (cr?.bytesPerNode !== undefined) srow.bytesPerNode = cr.bytesPerNode;
      if (c.growth) {
        srow.growth = Object.fromEntries(
          Object.entries(byLib)
            .filter(([, r]) => r?.status === 'ok')
            .map(([l, r]) => [l, r.growth]),
        );
      }
      srow.notes = row[row.length - 1];
      rows.push(row);
      structured.push(srow);
    }
  }
  return { text: renderTable(header, rows, rightCols), structured };
}

/** "PyTorch 1.13.1 (Python 3.11.2, 1 thread, reference BLAS /usr/lib/…/libblas.so.3)". */
function torchLine(t) {
  const lib = t.blasLibrary ?? '';
  const kind = /openblas/i.test(lib)
    ? 'OpenBLAS'
    : /mkl/i.test(lib)
      ? 'MKL'
      : /\/blas\//.test(lib)
        ? 'reference BLAS'
        : `BLAS ${t.blasInfo ?? '?'}`;
  const threads = `${t.threads} thread${t.threads === 1 ? '' : 's'}`;
  return `PyTorch ${t.version} (Python ${t.python}, ${threads}, ${kind}${lib ? ` ${lib}` : ''})`;
}

// ---------------------------------------------------------------------------------------------

async function main() {
  let opts;
  try {
    opts = options();
  } catch (e) {
    console.error(`${e.message}\n\n${HELP}`);
    process.exit(2);
  }
  let python = null;
  let torchMissing = false;
  if (opts.libs.includes('torch')) {
    python = findTorchPython();
    if (!python && opts.libsNamed) {
      console.error(TORCH_HINT);
      process.exit(2);
    }
    if (!python) {
      // not asked for by name: run the others, and say under the table how to get PyTorch
      torchMissing = true;
      opts.libs = opts.libs.filter((l) => l !== 'torch');
    }
  }
  const cases = selectCases(opts);
  if (cases.length === 0) {
    console.error('no case matches these flags');
    process.exit(2);
  }
  if (!ensureBenchDeps(opts.libs)) {
    console.error('npm ci --prefix bench failed');
    process.exit(2);
  }
  if (!ensureChainruleBuild(opts.libs)) {
    console.error('chainrule build failed (npm run build); bench the peers only with --libs tfjs,torch');
    process.exit(2);
  }

  const jobs = [];
  for (const c of cases) {
    for (const lib of opts.libs) {
      if (!c.libs.includes(lib)) continue;
      for (const variant of c.variants?.[lib] ?? ['']) {
        const runs = c.runs?.[lib] ? Math.min(opts.runs, c.runs[lib]) : opts.runs;
        const warmup = c.warmup?.[lib] !== undefined ? Math.min(opts.warmup, c.warmup[lib]) : opts.warmup;
        jobs.push({ lib, caseId: c.id, variant, runs, warmup });
      }
    }
  }

  const cpu = os.cpus()[0]?.model ?? 'unknown CPU';
  console.error(
    `chainrule bench: node ${process.version}, ${os.cpus().length} × ${cpu}, ${jobs.length} jobs`,
  );
  const results = [];
  for (const [i, job] of jobs.entries()) {
    const tag = `[${i + 1}/${jobs.length}] ${job.caseId} ${job.lib}${job.variant ? ` ${job.variant}` : ''}`;
    process.stderr.write(`${tag} ... `);
    const r = await runChild(
      job,
      cases.find((c) => c.id === job.caseId),
      python,
      opts,
    );
    results.push(r);
    if (r.status === 'ok') {
      const what =
        r.bytesPerNode !== undefined
          ? `${r.bytesPerNode.toFixed(0)} B/node`
          : `loss ${r.loss}${r.growth !== undefined ? `, growth ${(r.growth * 100).toFixed(2)}%` : ''}`;
      process.stderr.write(`${fmtMs(r.medianMs)} ms (${what})\n`);
    } else
      process.stderr.write(
        `${r.status.toUpperCase()}\n  ${String(r.error).split('\n').slice(0, 6).join('\n  ')}\n`,
      );
  }

  const load = os.loadavg()[0];
  const busy = load > os.cpus().length * 0.5 + 0.5;
  const checks = new Map(
    cases.map((c) => [
      c.id,
      checkCase(
        c,
        results.filter((r) => r.case === c.id),
      ),
    ]),
  );
  const { text, structured } = buildTable(cases, results, checks, opts);

  const info = results.find((r) => r.lib.startsWith('tfjs') && r.info)?.info;
  const wasm = results.find((r) => r.lib === 'tfjs-wasm' && r.info)?.info;
  const wasmNote = wasm
    ? ` (wasm: ${wasm.simd ? 'SIMD' : 'no SIMD'}, ${wasm.threads ? 'threads' : '1 thread'})`
    : '';
  console.log(
    `\nmedian ms per run (${opts.warmup} warm-up + ${opts.runs} timed runs unless noted); × = peer ms / chainrule ms (> 1: chainrule faster)`,
  );
  const torch = results.find((r) => r.lib === 'torch' && r.info)?.info;
  console.log(
    `node ${process.version}, ${os.cpus().length} × ${cpu}${info ? `, TF.js ${info.version}${wasmNote}` : ''}${torch ? `, ${torchLine(torch)}` : ''}\n`,
  );
  console.log(text);
  if (torchMissing) console.log(`\ntorch: not run. ${TORCH_HINT}`);
  if (busy) {
    console.log(
      `\n! load average ${load.toFixed(1)} on ${os.cpus().length} cores at the end: other work was running, timings are noisy`,
    );
  }

  const mismatches = [...checks.values()].flatMap((k) => k.problems ?? []);
  const failed = results.filter((r) => r.status !== 'ok');
  if (mismatches.length) console.log(`\n✗ libraries disagree:\n  ${mismatches.slice(0, 20).join('\n  ')}`);
  if (failed.length) {
    console.log(`\nfailed: ${failed.map((r) => `${r.case} ${label(r)} (${r.status})`).join(', ')}`);
  }

  fs.mkdirSync(path.dirname(opts.json), { recursive: true });
  const report = {
    date: new Date().toISOString(),
    node: process.version,
    cpu,
    cpus: os.cpus().length,
    loadavg: os.loadavg(),
    tfjs: info?.version ?? null,
    torch: torch ?? null,
    options: { ...opts, json: undefined },
    rows: structured,
    checks: Object.fromEntries(checks),
    results,
  };
  fs.writeFileSync(opts.json, `${JSON.stringify(report, null, 2)}\n`);
  console.log(`\nwrote ${path.relative(process.cwd(), opts.json) || opts.json}`);
  process.exit(mismatches.length ? 1 : failed.length ? 2 : 0);
}

main();
