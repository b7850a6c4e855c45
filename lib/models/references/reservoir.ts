import { type Random, createRandom } from "../../stats";

/**
 * A seeded uniform reservoir sample of a stream (Li's Algorithm L): after `offer`ing n items it
 * holds min(n, capacity) of them, each n-subset equally likely. Skips ahead geometrically, so the
 * random draws grow with capacity·log(n/capacity), not with n. Deterministic for a given seed and
 * stream. Cost O(1) amortised per item, O(capacity) memory. Throws: RangeError if capacity < 1.
 *
 * @example const r = createReservoir<number>(2, 7); [1, 2, 3].forEach((x) => r.offer(x)); r.items().length // 2
 */
export function createReservoir<T>(capacity: number, seed: number): { offer(item: T): void; items(): T[]; seen(): number } {
  if (!(capacity >= 1)) throw new RangeError("createReservoir: capacity must be ≥ 1");
  const rng: Random = createRandom(seed);
  const items: T[] = [];
  let seen = 0;
  let next = Infinity; // index of the next item that replaces a random slot
  let w = 1;
  const u = () => {
    let x = rng.uniform();
    while (x === 0) x = rng.uniform();
    return x; // in (0, 1)
  };
  const skip = () => {
    next += Math.floor(Math.log(u()) / Math.log1p(-w)) + 1;
  };
  return {
    offer(item: T) {
      const i = seen++;
      if (i < capacity) {
        items.push(item);
        if (i === capacity - 1) {
          w = Math.exp(Math.log(u()) / capacity);
          next = i;
          skip();
        }
        return;
      }
      if (i === next) {
        items[rng.int(capacity)] = item;
        w *= Math.exp(Math.log(u()) / capacity);
        skip();
      }
    },
    items: () => items.slice(),
    seen: () => seen,
  };
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
