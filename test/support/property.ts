/** @file `testProp`: a vitest test that checks a fast-check property (plain fast-check imports fast). */

import fc from 'fast-check';
import { test } from 'vitest';

/**
 * A vitest test that checks a fast-check property: `testProp([arbs], params)('name', (...values) => {...})`.
 * (Importing @fast-check/vitest cost seconds per test file here.)
 */
export function testProp<Ts extends [unknown, ...unknown[]]>(
  arbs: { [K in keyof Ts]: fc.Arbitrary<Ts[K]> },
  params?: fc.Parameters<Ts>,
): (name: string, fn: (...values: Ts) => void) => void {
  return (name, fn) => {
    test(name, () => {
      fc.assert(
        fc.property(...(arbs as unknown as [fc.Arbitrary<unknown>]), fn as unknown as (v: unknown) => void),
        params as unknown as fc.Parameters<[unknown]>,
      );
    });
  };
}
