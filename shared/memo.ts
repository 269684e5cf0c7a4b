/**
 * Memoises a pure function of one string. A catalogue repeats the same few values (licences,
 * statuses, rights statements, contact addresses) thousands of times; the cache is cleared when it
 * reaches `max` entries, so memory stays bounded whatever the dump.
 */
export function memo<T>(fn: (value: string) => T, max = 5_000): (value: string) => T {
  const cache = new Map<string, T>();
  return (value) => {
    let hit = cache.get(value);
    if (hit === undefined && !cache.has(value)) {
      if (cache.size >= max) cache.clear();
      hit = fn(value);
      cache.set(value, hit);
    }
    return hit as T;
  };
}
