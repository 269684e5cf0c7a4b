/**
 * Deterministic randomness for the synthetic dump: counter-based hashes and a small seeded PRNG.
 * Everything the generator draws goes through these, so one seed always gives the same bytes.
 */

const TWO_32 = 4294967296;

/** murmur3's finaliser: a bijection on 32-bit integers (distinct inputs give distinct outputs). */
export function fmix32(input: number): number {
  let h = input >>> 0;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** murmur3_32 over the given numbers (each taken as two 32-bit words): one 32-bit hash. */
export function hashInts(...parts: number[]): number {
  let h = 0x2545f491;
  const mixWord = (word: number): void => {
    let k = Math.imul(word >>> 0, 0xcc9e2d51);
    k = (k << 15) | (k >>> 17);
    k = Math.imul(k, 0x1b873593);
    h ^= k;
    h = (h << 13) | (h >>> 19);
    h = (Math.imul(h, 5) + 0xe6546b64) | 0;
  };
  for (const part of parts) {
    mixWord(part >>> 0);
    mixWord(Math.floor(part / TWO_32) >>> 0);
  }
  h ^= parts.length * 8;
  return fmix32(h);
}

/** A uniform float in [0, 1) from a hash of the given numbers. */
export function hashUnit(...parts: number[]): number {
  return hashInts(...parts) / TWO_32;
}

const HEX = Array.from({ length: 256 }, (_, n) => n.toString(16).padStart(2, '0'));

/** 8 lowercase hex digits. */
export function hex8(value: number): string {
  return (
    (HEX[value >>> 24] as string) +
    (HEX[(value >>> 16) & 255] as string) +
    (HEX[(value >>> 8) & 255] as string) +
    (HEX[value & 255] as string)
  );
}

/** sfc32, seeded from a hash of the given numbers: fast, 128-bit state, good enough for test data. */
export class Rng {
  private a: number;
  private b: number;
  private c: number;
  private d: number;

  constructor(...seed: number[]) {
    this.a = hashInts(...seed, 1);
    this.b = hashInts(...seed, 2);
    this.c = hashInts(...seed, 3);
    this.d = hashInts(...seed, 4);
    for (let i = 0; i < 12; i++) this.u32();
  }

  /** A uniform 32-bit unsigned integer. */
  u32(): number {
    const t = (((this.a + this.b) | 0) + this.d) | 0;
    this.d = (this.d + 1) | 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) | 0;
    this.c = (this.c << 21) | (this.c >>> 11);
    this.c = (this.c + t) | 0;
    return t >>> 0;
  }

  /** A uniform float in [0, 1). */
  next(): number {
    return this.u32() / TWO_32;
  }

  /** A uniform integer in [lo, hi], both included. */
  int(lo: number, hi: number): number {
    return lo + Math.floor(this.next() * (hi - lo + 1));
  }

  chance(p: number): boolean {
    return this.next() < p;
  }

  pick<T>(items: readonly T[]): T {
    if (items.length === 0) throw new RangeError('pick from an empty list');
    return items[Math.floor(this.next() * items.length)] as T;
  }

  /** One item, with the given relative weights. */
  weighted<T>(items: readonly (readonly [T, number])[]): T {
    let total = 0;
    for (const [, w] of items) total += w;
    let x = this.next() * total;
    for (const [item, w] of items) {
      x -= w;
      if (x < 0) return item;
    }
    const last = items[items.length - 1];
    if (!last) throw new RangeError('weighted pick from an empty list');
    return last[0];
  }

  /** Shuffles in place (Fisher-Yates) and returns the same array. */
  shuffle<T>(items: T[]): T[] {
    for (let i = items.length - 1; i > 0; i--) {
      const j = Math.floor(this.next() * (i + 1));
      const tmp = items[i] as T;
      items[i] = items[j] as T;
      items[j] = tmp;
    }
    return items;
  }

  /** k distinct items (fewer when the list is shorter), in random order. */
  sample<T>(items: readonly T[], k: number): T[] {
    return this.shuffle([...items]).slice(0, Math.max(0, k));
  }

  /** n lowercase hex digits. */
  hex(n: number): string {
    let out = '';
    while (out.length < n) out += hex8(this.u32());
    return out.slice(0, n);
  }
}
