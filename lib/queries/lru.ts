/**
 * The least-recently-used order of the read caches (seriesDocs, featureRowDocs): a Map keeps insertion order, so
 * an entry used again is moved to the end and the oldest-used entries are the first keys.
 */

/** Stores `value` under `key` as the most recently used entry. */
export function touch<K, V>(cache: Map<K, V>, key: K, value: V): void {
  cache.delete(key);
  cache.set(key, value);
}

/** Evicts the oldest-used entries until at most `max` remain. */
export function trim<K, V>(cache: Map<K, V>, max: number): void {
  for (const k of cache.keys()) {
    if (cache.size <= max) break;
    cache.delete(k);
  }
}
