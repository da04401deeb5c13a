/**
 * Deterministic randomness as pure functions of integers. Every model in the
 * simulator asks "what is the random value for (device seed, purpose, slot)?"
 * instead of advancing a shared generator, so a reading at time t is the same
 * whether it is computed first, last, after a restart or in a worker thread.
 */

/** 32-bit avalanche hash (lowbias32 by Chris Wellons): every input bit flips ~half the output bits. */
function mix32(x: number): number {
  x ^= x >>> 16;
  x = Math.imul(x, 0x7feb352d);
  x ^= x >>> 15;
  x = Math.imul(x, 0x846ca68b);
  x ^= x >>> 16;
  return x >>> 0;
}

/** Hash of any number of integers (each taken modulo 2^32; floats are floored first). */
export function hashInts(...values: number[]): number {
  let h = 0x9e3779b9;
  for (const value of values) {
    const v = Math.floor(value);
    // Split into low and high 32 bits so millisecond timestamps (> 2^32) keep all their bits.
    h = mix32(h ^ mix32(v >>> 0));
    h = mix32(h ^ mix32(Math.floor(v / 0x1_0000_0000) >>> 0));
  }
  return h;
}

/** FNV-1a of a string: turns labels ("temperature", "outage") into hash inputs. */
export function hashString(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** Uniform in [0, 1) from integers. */
export function unit(...values: number[]): number {
  return hashInts(...values) / 0x1_0000_0000;
}

/** Uniform in [min, max) from integers. */
export function uniform(min: number, max: number, ...values: number[]): number {
  return min + (max - min) * unit(...values);
}

/** Standard normal (Box–Muller) from integers. */
export function gaussian(...values: number[]): number {
  const u1 = Math.max(unit(...values, 1), 1e-12);
  const u2 = unit(...values, 2);
  return Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
}

/**
 * Smooth 1-D value noise in [-1, 1]: random values at integer x, eased in
 * between. Weather, clouds and pollution drift with it instead of flickering.
 */
export function valueNoise(seed: number, x: number): number {
  const x0 = Math.floor(x);
  const f = x - x0;
  const ease = f * f * (3 - 2 * f);
  const a = unit(seed, x0) * 2 - 1;
  const b = unit(seed, x0 + 1) * 2 - 1;
  return a + (b - a) * ease;
}

/** A sequential generator for building a device once (route shapes, parameters). */
export class Rng {
  private counter = 0;
  constructor(private readonly seed: number) {}

  next(): number {
    return unit(this.seed, this.counter++);
  }

  between(min: number, max: number): number {
    return min + (max - min) * this.next();
  }

  int(min: number, maxInclusive: number): number {
    return min + Math.floor(this.next() * (maxInclusive - min + 1));
  }

  pick<T>(items: readonly T[]): T {
    const item = items[Math.floor(this.next() * items.length)];
    if (item === undefined) throw new Error("pick from an empty list");
    return item;
  }
}
