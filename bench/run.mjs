#!/usr/bin/env node
/**
 * @file The benchmark orchestrator: `npm run bench [-- flags]` (see bench/README.md).
 *
 * 1. installs bench/node_modules if missing (`npm ci --prefix bench`, TF.js lives there only);
 * 2. builds chainrule if dist/index.js is missing or older than src/;
 * 3. runs every selected case in every selected library, one child process per
 *    library × case × variant (`node --expose-gc bench/worker.mjs ...`), one after another, each with
 *    a timeout;
 * 4. checks that every library computed the same loss (and gradient/parameter checksum);
 * 5. prints one table and writes it as JSON to bench/results/latest.json.
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
import { CASES, LIBS, PEERS } from './cases.mjs';
import { close, fmtMs, fmtRatio, fmtSi, relDiff, renderTable } from './stats.mjs';

const BENCH = path.dirname(fileURLToPath(import.meta.url));
const ROOT = path.dirname(BENCH);
const RESULT_MARKER = '@@BENCH_RESULT ';
const SHORT = { chainrule: 'chainrule', 'tfjs-cpu': 'cpu', 'tfjs-wasm': 'wasm' };

const HELP = `usage: npm run bench -- [flags]
  --workloads W1,W3      workloads to run (W1 W2 W3 W4 W5 MEM; default all)
  --sizes 128,256        sizes for multi-size workloads (W2: 10k,100k,1M; W3: 128,256,512)
  --libs a,b             libraries (chainrule,tfjs-cpu,tfjs-wasm; default all)
  --runs N               timed runs per case after warm-up (default 5; slow cases may use fewer)
  --warmup N             warm-up runs (default 1)
  --timeout S            seconds before a child process is killed (default 600)
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
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) {
    console.log(HELP);
    process.exit(0);
  }
  const libs = parseList(values.libs) ?? LIBS;
  for (const l of libs)
    if (!LIBS.includes(l)) throw new Error(`unknown library ${l} (have ${LIBS.join(', ')})`);
  const workloads = parseList(values.workloads)?.map((w) => w.toUpperCase());
  const known = new Set(CASES.map((c) => c.workload));
  for (const w of workloads ?? []) if (!known.has(w)) throw new Error(`unknown workload ${w}`);
  const sizes = parseList(values.sizes)?.map(parseSize);
  const runs = Number(values.runs);
  const warmup = Number(values.warmup);
  const timeout = Number(values.timeout);
  if (!(runs >= 1) || !(warmup >= 0) || !(timeout > 0))
    throw new Error('--runs ≥ 1, --warmup ≥ 0, --timeout > 0');
  return { libs, workloads, sizes, runs, warmup, timeout, json: values.json };
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
      c.libs.some((l) => opts.libs.includes(l)),
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

// ---------------------------------------------------------------------------------------------
// Children
// ---------------------------------------------------------------------------------------------

function runChild({ lib, caseId, variant, runs, warmup }, timeoutS) {
  const args = [
    '--expose-gc',
    '--max-old-space-size=8192',
    path.join(BENCH, 'worker.mjs'),
    '--lib',
    lib,
    '--case',
    caseId,
    '--variant',
    variant,
    '--runs',
    String(runs),
    '--warmup',
    String(warmup),
  ];
  return new Promise((resolve) => {
    const child = spawn(process.execPath, args, { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
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

/** Compares every run's loss and checksum of every result of a case with the first result. */
function checkCase(c, results) {
  const ok = results.filter((r) => r.status === 'ok' && r.losses);
  if (ok.length === 0) return { status: 'none' };
  const ref = ok[0];
  const problems = [];
  let worst = 0;
  for (const r of ok) {
    r.losses.forEach((loss, i) => {
      for (const [what, a, b] of [
        ['loss', loss, ref.loss],
        ['check', r.checks[i], ref.check],
      ]) {
        const d = relDiff(a, b);
        if (!close(a, b, c.rtol, c.atol ?? 0))
          problems.push(`${label(r)} ${what} ${a} vs ${label(ref)} ${b}`);
        else if (Math.abs(a - b) > (c.atol ?? 0)) worst = Math.max(worst, d);
      }
    });
  }
  const unique = [...new Set(problems)];
  return { status: unique.length ? 'mismatch' : ok.length > 1 ? 'match' : 'single', problems: unique, worst };
}

const label = (r) => (r.variant ? `${r.lib} ${r.variant}` : r.lib);

function notesFor(c, crRes, byLib, opts) {
  const notes = [];
  const ok = (r) => r && r.status === 'ok';
  if (c.flops) {
    const parts = [crRes, ...PEERS.map((p) => byLib[p])]
      .filter(ok)
      .map((r) => `${SHORT[r.lib]} ${((c.flops / r.medianMs) * 1e-6).toFixed(2)}`);
    if (parts.length) notes.push(`GFLOP/s ${parts.join(' · ')}`);
  }
  if (c.steps) {
    const parts = [crRes, ...PEERS.map((p) => byLib[p])]
      .filter(ok)
      .map((r) => `${SHORT[r.lib]} ${fmtMs(r.medianMs / c.steps)}`);
    if (parts.length) notes.push(`ms/step ${parts.join(' · ')}`);
  }
  if (c.workload === 'W1') {
    const parts = [crRes, ...PEERS.map((p) => byLib[p])]
      .filter((r) => ok(r) && r.meta?.ops)
      .map((r) => `${SHORT[r.lib]} ${fmtSi(r.meta.ops / (r.medianMs / 1000))}`);
    if (parts.length) notes.push(`fwd op nodes/s ${parts.join(' · ')}`);
  }
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
  for (const lib of opts.libs) {
    const r = lib === 'chainrule' ? crRes : byLib[lib];
    if (r && r.status === 'ok' && (r.runs !== opts.runs || r.warmup !== opts.warmup)) {
      notes.push(`${SHORT[lib]}: ${r.warmup} warm-up + ${r.runs} runs`);
    }
    if (r?.leakedTensors) notes.push(`${SHORT[lib]}: ${r.leakedTensors} tensors leaked`);
  }
  return notes.join('; ');
}

function cell(r) {
  if (!r) return '–';
  if (r.status === 'timeout') return 'TIMEOUT';
  if (r.status === 'error') return 'ERROR';
  return fmtMs(r.medianMs);
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
    const byLib = Object.fromEntries(PEERS.map((p) => [p, mine.find((r) => r.lib === p)]));
    const crRows = hasCr ? mine.filter((r) => r.lib === 'chainrule') : [];
    const chk = checks.get(c.id);
    const mark = { match: '✓', single: '–', mismatch: '✗', none: '–' }[chk.status];
    const ref = mine.find((r) => r.status === 'ok' && r.loss !== undefined);
    for (const cr of crRows.length ? crRows : [null]) {
      const row = [c.workload, c.sizeLabel + (cr?.variant ? ` ${cr.variant}` : '')];
      const srow = {
        case: c.id,
        workload: c.workload,
        size: c.size,
        variant: cr?.variant ?? null,
        ms: {},
        ratio: {},
      };
      if (hasCr) {
        row.push(cell(cr));
        if (cr?.status === 'ok') srow.ms.chainrule = cr.medianMs;
      }
      for (const p of peers) {
        const r = byLib[p];
        row.push(cell(r));
        if (r?.status === 'ok') srow.ms[p] = r.medianMs;
        if (hasCr) {
          const ratio =
            cr?.status === 'ok' && r?.status === 'ok' && !c.memory ? r.medianMs / cr.medianMs : null;
          row.push(fmtRatio(ratio));
          if (ratio) srow.ratio[p] = ratio;
        }
      }
      row.push(ref ? Number(ref.loss).toPrecision(7) : '–', mark, notesFor(c, cr, byLib, opts));
      srow.loss = ref?.loss ?? null;
      srow.same = chk.status;
      if (cr?.bytesPerNode !== undefined) srow.bytesPerNode = cr.bytesPerNode;
      srow.notes = row[row.length - 1];
      rows.push(row);
      structured.push(srow);
    }
  }
  return { text: renderTable(header, rows, rightCols), structured };
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
    console.error(
      'chainrule build failed (npm run build); bench the peers only with --libs tfjs-cpu,tfjs-wasm',
    );
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
    const r = await runChild(job, opts.timeout);
    results.push(r);
    if (r.status === 'ok') {
      const what = r.bytesPerNode !== undefined ? `${r.bytesPerNode.toFixed(0)} B/node` : `loss ${r.loss}`;
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
  console.log(
    `node ${process.version}, ${os.cpus().length} × ${cpu}${info ? `, TF.js ${info.version}${wasmNote}` : ''}\n`,
  );
  console.log(text);
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
