// Dynamic indexing into register arrays: a mux tree to read, decoded enables to write.
import { mux, when, type Sig, type SigLike, type Wire } from '../../dsl/index.ts';

/** arr[idx] as a balanced mux tree on the index bits (entries past the end read as the last one). */
export function selectAt(arr: readonly Sig[], idx: Sig): Sig {
  let level = [...arr];
  for (let bit = 0; level.length > 1; bit++) {
    const next: Sig[] = [];
    for (let i = 0; i < level.length; i += 2) next.push(i + 1 < level.length ? mux(idx.bit(bit), level[i + 1]!, level[i]!) : level[i]!);
    level = next;
  }
  return level[0]!;
}

/** arr[idx] <= value when `enable` (under the enclosing when). */
export function writeAt(arr: readonly Wire[], idx: Sig, enable: SigLike, value: SigLike): void {
  arr.forEach((r, i) => when(idx.eq(i), () => when(enable, () => r.set(value))));
}

