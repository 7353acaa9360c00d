// Test-file order for a cold cache: vitest then keeps the discovery order, which puts the few files that take
// minutes (Yosys lint of the largest designs, the RTL TOE's co-simulations) late, where nothing overlaps them.
// Starting them first lets the two workers run the short files beside them. With timings cached, vitest's own
// longest-first order applies.
import { BaseSequencer, type TestSpecification } from 'vitest/node';

const LONG_FIRST = [
  'test/gen/rtl-out-toe-top.test.ts', 'test/gen/rtl-out-toe-rx.test.ts', 'test/gen/rtl-out-conn-table.test.ts',
  'test/gen/rtl-out.test.ts', 'test/packetdrill/rtl/', 'test/toe_top/firmware.test.ts', 'test/linux/',
];

const rank = (f: TestSpecification): number => {
  const i = LONG_FIRST.findIndex((p) => f.moduleId.includes(`/${p}`));
  return i < 0 ? LONG_FIRST.length : i;
};

export class LongFirstSequencer extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const base = await super.sort(files);
    // Array.prototype.sort is stable: within a rank the base order stays.
    return [...base].sort((a, b) => rank(a) - rank(b));
  }
}
