/** Text normalisation shared by the Ecosphères indicators. */
import { memo } from '../../shared/memo.js';

// Typographic apostrophes and look-alikes seen in French catalogue text.
const APOSTROPHES = /[\u2018\u2019\u02BC\u2032\u0060\u00B4\uFF07]/g;

/** Strips accents: NFD, then drops combining marks ("Prévention" -> "Prevention"). */
export function stripAccents(s: string): string {
  // most text is plain ASCII: skip the (costly) normalisation then
  if (/^\p{ASCII}*$/u.test(s)) return s;
  return s.normalize('NFD').replace(/\p{M}/gu, '');
}

/**
 * Folds text for phrase matching: accents stripped, lower-cased, every apostrophe written `'`,
 * and any run of whitespace (newlines, tabs, no-break spaces) as one space.
 */
export function foldForMatch(s: string): string {
  return stripAccents(s).toLowerCase().replace(APOSTROPHES, "'").replace(/\s+/g, ' ').trim();
}

/** foldForMatch of short, repeated text (rights statements): memoised. */
export const foldShort = memo(foldForMatch);

/** Order-preserving de-duplication. */
export function unique<T>(items: Iterable<T>): T[] {
  return [...new Set(items)];
}
