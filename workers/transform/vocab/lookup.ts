/**
 * Vocabulary look-ups used by the FAIR scores: raw metadata values (labels, IRIs, SPDX ids, MIME
 * types) -> EU authority codes. Pure functions over the shipped tables; results are memoised
 * because a catalogue repeats the same few values thousands of times.
 */
import {
  EU_FILE_TYPE_BASE,
  EU_FILE_TYPES,
  EU_LICENCE_BASE,
  EU_LICENCES,
  EU_MACHINE_READABLE,
  EU_NON_PROPRIETARY,
} from './eu-lists.js';
import {
  AMBIGUOUS_CODE_WORDS,
  EU_ACCESS_RIGHT_BASE,
  EU_ACCESS_RIGHTS,
  FORMAT_EXTENSIONS,
  FORMAT_LABELS,
  FREQUENCIES,
  IANA_MEDIA_TYPES,
  LICENCE_ALIASES,
  PLACEHOLDER_FORMATS,
  PLACEHOLDER_LICENCES,
  UNREGISTERED_MEDIA_TYPES,
  normaliseLabel,
  type Frequency,
} from './mappings.js';
import { memo } from '../../../shared/memo.js';

export type { Frequency } from './mappings.js';

/** What a value maps to: an EU code, "nothing given" (a placeholder such as "Inconnu"), or unknown. */
export type Match = { status: 'known'; code: string } | { status: 'placeholder' | 'unknown'; code: null };

const fileTypes = new Set(EU_FILE_TYPES);
const machineReadable = new Set(EU_MACHINE_READABLE);
const nonProprietary = new Set(EU_NON_PROPRIETARY);
const accessRights = new Set(EU_ACCESS_RIGHTS);

const KNOWN = (code: string): Match => ({ status: 'known', code });
const UNKNOWN: Match = { status: 'unknown', code: null };
const PLACEHOLDER: Match = { status: 'placeholder', code: null };

const isHttp = (value: string) => /^https?:\/\//i.test(value);

/** `http(s)://www.Host/Path/?q#f` -> `host/path` (lower case), for comparing URLs loosely. */
function urlKey(url: string): string {
  return url
    .trim()
    .toLowerCase()
    .replace(/^[a-z]+:\/\//, '')
    .replace(/^www\./, '')
    .replace(/[?#].*$/, '')
    .replace(/\/+$/, '');
}

/** The tail of an IRI in namespace `base` (http or https), or undefined. */
function inNamespace(iri: string, base: string): string | undefined {
  const tail = base.replace(/^http:\/\//, '');
  const m = /^https?:\/\/(.*)$/i.exec(iri.trim());
  if (!m || !m[1]!.startsWith(tail)) return undefined;
  const code = m[1]!.slice(tail.length).replace(/\/+$/, '');
  return code || undefined;
}

// ---------------------------------------------------------------------------------------------
// File types

/** True when `code` is in the EU file-type authority table. */
export function isEuFileType(code: string): boolean {
  return fileTypes.has(code);
}

/** True when data.europa.eu counts the EU file type as machine-readable. */
export function isMachineReadable(code: string): boolean {
  return machineReadable.has(code);
}

/** True when data.europa.eu counts the EU file type as non-proprietary. */
export function isNonProprietary(code: string): boolean {
  return nonProprietary.has(code);
}

/** A media type: its normalised `type/subtype`, whether IANA registers it, and its EU file type. */
export interface MediaTypeMatch {
  type: string;
  iana: boolean;
  code: string | null;
}

const MEDIA_TYPE_RE = /^[a-z]+\/[a-z0-9][a-z0-9!#$&^_.+-]*$/;

/**
 * Parses a dcat:mediaType value: `text/csv`, `text/csv; charset=utf-8`, or an IANA IRI
 * (`https://www.iana.org/assignments/media-types/text/csv`). Undefined when it is not a media type.
 */
export const mediaType = memo((value: string): MediaTypeMatch | undefined => {
  let v = value.trim().toLowerCase();
  const iana = /^https?:\/\/(?:www\.)?iana\.org\/assignments\/media-types\/(.+)$/.exec(v);
  if (iana) v = iana[1]!.replace(/\/+$/, '');
  v = v.replace(/;.*$/, '').trim();
  if (!MEDIA_TYPE_RE.test(v)) return undefined;
  if (v in IANA_MEDIA_TYPES) return { type: v, iana: true, code: IANA_MEDIA_TYPES[v] ?? null };
  return { type: v, iana: false, code: UNREGISTERED_MEDIA_TYPES[v] ?? null };
});

function euCodeOf(token: string): string | undefined {
  const code = token.toUpperCase().replace(/[\s.-]+/g, '_');
  return fileTypes.has(code) ? code : undefined;
}

function extensionCode(ext: string): string | undefined {
  const e = ext.replace(/^\./, '').toLowerCase();
  if (!/^[a-z0-9]{1,8}$/.test(e)) return undefined;
  return FORMAT_EXTENSIONS[e] ?? euCodeOf(e);
}

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

/** A label, EU code, extension or media type -> code; no "(...)" or word search. */
function directFormat(value: string): string | undefined {
  const n = normaliseLabel(value);
  return (
    FORMAT_LABELS[n] ??
    euCodeOf(n) ??
    (n.startsWith('.') ? extensionCode(n) : undefined) ??
    mediaType(n)?.code ??
    undefined
  );
}

/**
 * A dcterms:format value -> EU file-type code. Accepts EU file-type IRIs, IANA media-type IRIs,
 * labels ("ESRI Shapefile (SHP)" -> SHP, "MapInfo TAB" -> TAB, "GeoJSON", "CSV"), extensions
 * (".shp") and MIME types. "Inconnu" and similar placeholders give `placeholder`.
 */
export const formatCode = memo((value: string): Match => {
  const raw = value.trim();
  if (!raw) return PLACEHOLDER;
  if (isHttp(raw)) {
    const eu = inNamespace(raw, EU_FILE_TYPE_BASE);
    if (eu !== undefined) return fileTypes.has(eu) ? KNOWN(eu) : UNKNOWN;
    const mt = mediaType(raw);
    if (mt) return mt.code ? KNOWN(mt.code) : UNKNOWN;
    // another vocabulary's IRI: its last segment is usually the format's name or extension
    const tail = safeDecode(
      raw
        .replace(/[?#].*$/, '')
        .replace(/\/+$/, '')
        .split('/')
        .pop() ?? '',
    );
    const code = tail ? (directFormat(tail) ?? extensionCode(tail)) : undefined;
    return code ? KNOWN(code) : UNKNOWN;
  }
  const n = normaliseLabel(raw);
  if (PLACEHOLDER_FORMATS.has(n)) return PLACEHOLDER;
  const direct = directFormat(n);
  if (direct) return KNOWN(direct);
  // "ESRI Shapefile (SHP)", "Tableur (XLSX)": the part in brackets
  for (const m of n.matchAll(/\(([^()]+)\)/g)) {
    const code = directFormat(m[1]!) ?? extensionCode(m[1]!);
    if (code) return KNOWN(code);
  }
  // "Fichier Shapefile", "Export CSV": the first word that is a known label, extension or EU code
  for (const word of n.split(/[^a-z0-9+-]+/)) {
    if (!word) continue;
    const eu = euCodeOf(word);
    const code =
      FORMAT_LABELS[word] ??
      FORMAT_EXTENSIONS[word] ??
      (eu && !AMBIGUOUS_CODE_WORDS.has(eu) ? eu : undefined);
    if (code) return KNOWN(code);
  }
  return UNKNOWN;
});

// ---------------------------------------------------------------------------------------------
// Licences

const equivalentUrls = new Map<string, string>();
for (const [code, urls] of Object.entries(EU_LICENCES)) {
  // first code wins when the EU table gives two codes the same URL (e.g. EUPL_1_1 / EUPL_1_2)
  for (const url of urls) if (!equivalentUrls.has(urlKey(url))) equivalentUrls.set(urlKey(url), code);
}

const CC_KINDS: Readonly<Record<string, string>> = {
  by: 'CC_BY',
  'by-sa': 'CC_BYSA',
  'by-nc': 'CC_BYNC',
  'by-nd': 'CC_BYND',
  'by-nc-sa': 'CC_BYNCSA',
  'by-nc-nd': 'CC_BYNCND',
  'by-nd-nc': 'CC_BYNCND',
};

/** Creative Commons kind + version (+ jurisdiction) -> the most specific EU code that exists. */
function ccCode(kind: string, version?: string, jurisdiction?: string): string | undefined {
  const base = CC_KINDS[kind.replace(/\s+/g, '-')];
  if (!base) return undefined;
  const v = version ? `_${version.replace('.', '_')}` : '';
  const j = jurisdiction ? `_${jurisdiction.toUpperCase()}` : '';
  return [base + v + j, base + v, base].find((c) => c in EU_LICENCES);
}

/** SPDX id, udata id or label -> EU code. */
function licenceAlias(value: string): string | undefined {
  const n = normaliseLabel(value);
  const alias = LICENCE_ALIASES[n];
  if (alias) return alias;
  const cc = /^(?:cc|creative commons)[- ](by(?:[- ](?:nc|nd|sa)){0,2})(?:[- ]v?(\d\.\d))?$/.exec(n);
  if (cc) return ccCode(cc[1]!, cc[2]);
  // SPDX ids whose EU code is the id upper-cased: MIT, Apache-2.0, EUPL-1.2, MPL-2.0, GPL-3.0...
  const code = n.toUpperCase().replace(/[.\s-]+/g, '_');
  return code in EU_LICENCES ? code : undefined;
}

function licenceUrl(url: string): string | undefined {
  const key = urlKey(url);
  const eu = inNamespace(url, EU_LICENCE_BASE);
  if (eu !== undefined) return eu in EU_LICENCES ? eu : undefined;
  const equivalent = equivalentUrls.get(key);
  if (equivalent) return equivalent;
  let m = /^spdx\.org\/licenses\/([^/]+?)(?:\.html|\.json)?$/.exec(key);
  if (m) return licenceAlias(m[1]!);
  m =
    /^creativecommons\.org\/licenses\/([a-z-]+)\/(\d\.\d)(?:\/([a-z]{2}))?(?:\/(?:legalcode|deed)[^/]*)?$/.exec(
      key,
    );
  if (m) return ccCode(m[1]!, m[2], m[3]);
  if (/^creativecommons\.org\/publicdomain\/zero\//.test(key)) return 'CC0';
  if (/^creativecommons\.org\/publicdomain\/mark\//.test(key)) return 'CC_PDM_1_0';
  m = /^opendatacommons\.org\/licenses\/(odbl|by|pddl)(?:\/|$)/.exec(key);
  if (m) return { odbl: 'ODC_BL', by: 'ODC_BY', pddl: 'ODC_PDDL' }[m[1] as 'odbl' | 'by' | 'pddl'];
  m = /^opensource\.org\/licenses?\/([^/]+)$/.exec(key);
  if (m) return licenceAlias(m[1]!);
  // Etalab's Licence Ouverte pages and PDFs, version 2.0 (version 1.0 has no EU code)
  if (/^etalab\.gouv\.fr\/.*(licence-ouverte|open-licence)/.test(key) && !/v1([^0-9]|$)|1[._-]0/.test(key)) {
    return 'ETALAB_2_0';
  }
  return undefined;
}

/**
 * A dcterms:license value (IRI or label) -> EU licence code: EU IRIs, the EU table's equivalent
 * URLs, SPDX (`https://spdx.org/licenses/etalab-2.0`, `ODbL-1.0`, `CC-BY-4.0`), Creative Commons,
 * Open Data Commons and Etalab URLs, udata ids (`lov2`, `odc-odbl`) and common labels.
 */
export const licenceCode = memo((value: string): Match => {
  const raw = value.trim();
  if (!raw || PLACEHOLDER_LICENCES.has(normaliseLabel(raw))) return PLACEHOLDER;
  const code = isHttp(raw) ? licenceUrl(raw) : licenceAlias(raw);
  return code ? KNOWN(code) : UNKNOWN;
});

// ---------------------------------------------------------------------------------------------
// Access rights and frequencies

/** An EU access-right IRI (`.../authority/access-right/PUBLIC`) -> its code; anything else undefined. */
export const accessRightCode = memo((value: string): string | undefined => {
  const code = inNamespace(value, EU_ACCESS_RIGHT_BASE);
  return code !== undefined && accessRights.has(code) ? code : undefined;
});

/**
 * A dcterms:accrualPeriodicity value (EU, INSPIRE, ISO 19139 or Dublin Core IRI, udata id or
 * French label) -> its {@link Frequency}; undefined when unknown to the tables.
 */
export const frequency = memo((value: string): Frequency | undefined => {
  const tail =
    value
      .trim()
      .replace(/[/#]+$/, '')
      .split(/[/#]/)
      .pop() ?? '';
  const key = normaliseLabel(tail)
    .replace(/[^a-z0-9]/g, '')
    .replace(/^mdmaintenancefrequencycode/, '');
  return key ? FREQUENCIES[key] : undefined;
});
