// Scales of the parallel-coordinates chart (pure, no DOM): unit-tested in test/unit/compare/.
import type { Direction } from '../../src/core/model';

export interface Scale { lo: number; hi: number; log: boolean }

/** Log scale when every value is positive and they span two orders of magnitude or more (learning rates). */
export function axisScale(values: readonly number[]): Scale {
  const finite = values.filter((v) => Number.isFinite(v));
  if (finite.length === 0) return { lo: 0, hi: 1, log: false };
  let lo = Math.min(...finite);
  let hi = Math.max(...finite);
  const log = lo > 0 && hi / lo >= 100;
  if (lo === hi) {
    const pad = lo === 0 ? 1 : Math.abs(lo) * 0.1;
    lo -= pad;
    hi += pad;
  }
  return { lo, hi, log };
}

/** 0 at the bottom of the axis, 1 at the top. */
export function axisPosition(v: number, s: Scale): number {
  if (s.log) return (Math.log(v) - Math.log(s.lo)) / (Math.log(s.hi) - Math.log(s.lo));
  return (v - s.lo) / (s.hi - s.lo);
}

/** Goodness of each line's metric, 0 (worst) to 1 (best); NaN for lines without it. */
export function goodness(values: readonly number[], direction: Direction): number[] {
  const s = axisScale(values);
  return values.map((v) => {
    if (!Number.isFinite(v)) return NaN;
    const t = axisPosition(v, { ...s, log: false });
    return direction === 'max' ? t : 1 - t;
  });
}
