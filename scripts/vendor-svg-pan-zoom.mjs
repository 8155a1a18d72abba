/**
 * @file Copies svg-pan-zoom's minified build (a pinned devDependency) into
 * src/viz/vendor/svg-pan-zoom.generated.ts, so that toHtml can inline it into a self-contained page
 * in Node and in browsers alike. With `--check` it writes nothing and exits 1 if that file is stale.
 */

import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);
const pkg = join(dirname(require.resolve('svg-pan-zoom/package.json')));
const { version } = JSON.parse(readFileSync(join(pkg, 'package.json'), 'utf8'));
const source = readFileSync(join(pkg, 'dist/svg-pan-zoom.min.js'), 'utf8');
const license = readFileSync(join(pkg, 'LICENSE'), 'utf8').trim();
const target = join(root, 'src/viz/vendor/svg-pan-zoom.generated.ts');

const text = `/**
 * @file GENERATED, do not edit. svg-pan-zoom ${version} (dist/svg-pan-zoom.min.js), inlined by toHtml.
 * Regenerate with \`node scripts/vendor-svg-pan-zoom.mjs\`. Its licence (BSD 2-clause) travels with it:
 *
${license
  .split('\n')
  .map((l) => ` * ${l}`.trimEnd())
  .join('\n')}
 */

export const SVG_PAN_ZOOM_VERSION = ${JSON.stringify(version)};
export const SVG_PAN_ZOOM_LICENSE = ${JSON.stringify(license)};
export const SVG_PAN_ZOOM_SOURCE = ${JSON.stringify(source)};
`;

if (process.argv.includes('--check')) {
  let current = '';
  try {
    current = readFileSync(target, 'utf8');
  } catch {}
  if (current !== text) {
    console.error(`${target} is stale: run node scripts/vendor-svg-pan-zoom.mjs`);
    process.exit(1);
  }
} else {
  writeFileSync(target, text);
  console.log(`wrote ${target} (svg-pan-zoom ${version}, ${source.length} characters)`);
}
