import { type Random, createRandom } from "../../stats";

/**
 * Li's Algorithm L over a stream: which slot of a reservoir of `capacity` each item goes to. A class, so that the
 * ~20 reservoirs of a profile share one monomorphic `slot` the engine inlines into the builder's loop (as closures,
 * the calls were two thirds of the profile builder's time a row).
 */
class Sampler {
  private readonly rng: Random;
  private offered = 0;
  private next = Infinity; // index of the next item that replaces a random slot
  private w = 1;

  constructor(
    readonly capacity: number,
    seed: number,
  ) {
    if (!(capacity >= 1)) throw new RangeError("createReservoir: capacity must be ≥ 1");
    this.rng = createRandom(seed);
  }

  private u(): number {
    let x = this.rng.uniform();
    while (x === 0) x = this.rng.uniform();
    return x; // in (0, 1)
  }

  private skip() {
    this.next += Math.floor(Math.log(this.u()) / Math.log1p(-this.w)) + 1;
  }

  /** The slot the next item goes to: its own index while the reservoir fills, then a random one, or −1 (left out). */
  slot(): number {
    const i = this.offered++;
    if (i < this.capacity) {
      if (i === this.capacity - 1) {
        this.w = Math.exp(Math.log(this.u()) / this.capacity);
        this.next = i;
        this.skip();
      }
      return i;
    }
    if (i !== this.next) return -1;
    const j = this.rng.int(this.capacity);
    this.w *= Math.exp(Math.log(this.u()) / this.capacity);
    this.skip();
    return j;
  }

  /** items offered so far */
  count(): number {
    return this.offered;
  }

  /** items held */
  held(): number {
    return Math.min(this.offered, this.capacity);
  }
}

/** `items()`: the sample, the same array until the next item is kept (callers must not change it). */
export type Reservoir<T> = { offer(item: T): void; items(): T[]; seen(): number };

class ArrayReservoir<T> extends Sampler implements Reservoir<T> {
  private readonly kept: T[] = [];
  private copy: T[] | null = null;

  offer(item: T) {
    const j = this.slot();
    if (j < 0) return;
    this.kept[j] = item; // j ≤ kept.length: an append while filling
    this.copy = null;
  }

  items(): T[] {
    return (this.copy ??= this.kept.slice());
  }

  seen(): number {
    return this.count();
  }
}

/**
 * The same sample of numbers, held in a Float64Array (grown by doubling up to capacity): stored into an array, a
 * double that is not a small integer could cost an allocation, and the profile builder offers ~20 values a row.
 */
class NumberReservoir extends Sampler implements Reservoir<number> {
  private kept = new Float64Array(0);
  private copy: number[] | null = null;

  offer(item: number) {
    const j = this.slot();
    if (j < 0) return;
    if (j === this.kept.length) {
      const grown = new Float64Array(Math.min(this.capacity, Math.max(64, j * 2)));
      grown.set(this.kept);
      this.kept = grown;
    }
    this.kept[j] = item;
    this.copy = null;
  }

  items(): number[] {
    if (this.copy) return this.copy;
    const n = this.held();
    const out = new Array<number>(n); // filled by index: 3× faster than Array.from or push for 100,000 doubles
    for (let i = 0; i < n; i++) out[i] = this.kept[i];
    return (this.copy = out);
  }

  seen(): number {
    return this.count();
  }
}

/**
 * A seeded uniform reservoir sample of a stream (Li's Algorithm L): after `offer`ing n items it
 * holds min(n, capacity) of them, each n-subset equally likely. Skips ahead geometrically, so the
 * random draws grow with capacity·log(n/capacity), not with n. Deterministic for a given seed and
 * stream. Cost O(1) amortised per item, O(capacity) memory. Throws: RangeError if capacity < 1.
 *
 * @example const r = createReservoir<number>(2, 7); [1, 2, 3].forEach((x) => r.offer(x)); r.items().length // 2
 */
export function createReservoir<T>(capacity: number, seed: number): Reservoir<T> {
  return new ArrayReservoir<T>(capacity, seed);
}

/** `createReservoir` of numbers: the same sample for the same seed and stream, held as doubles (8 bytes each). */
export function createNumberReservoir(capacity: number, seed: number): Reservoir<number> {
  return new NumberReservoir(capacity, seed);
}

/** FNV-1a hash of a string mixed into a seed, so that each feature gets its own reproducible stream. */
export function featureSeed(seed: number, name: string): number {
  let h = 0x811c9dc5 ^ (seed >>> 0);
  for (let i = 0; i < name.length; i++) {
    h ^= name.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h >>> 0;
}
