import { memo } from '../../shared/memo.js';
/** adms:status: EU dataset-status codes and ISO 19139 progress codes mapped to one label set. */

export type StatusLabel =
  | 'Completed'
  | 'On going'
  | 'Historical archive'
  | 'Under development'
  | 'Obsolete'
  | 'Planned'
  | 'Required'
  | 'Deprecated'
  | 'Withdrawn';

// Keys are codes lower-cased with everything but letters and digits removed, so that
// "onGoing", "ON_GOING" and the label "On going" all match.
const LABELS: Readonly<Record<string, StatusLabel>> = {
  completed: 'Completed',
  ongoing: 'On going',
  historicalarchive: 'Historical archive',
  underdevelopment: 'Under development',
  develop: 'Under development', // EU dataset-status DEVELOP
  obsolete: 'Obsolete',
  planned: 'Planned',
  required: 'Required',
  deprecated: 'Deprecated',
  withdrawn: 'Withdrawn',
};

export type StatusResult = { known: true; label: StatusLabel } | { known: false; raw: string };

/** The last path (or fragment) segment of an IRI, or the trimmed text when it is not one. */
export function lastSegment(raw: string): string {
  const s = raw.trim().replace(/[/#]+$/, '');
  const cut = Math.max(s.lastIndexOf('/'), s.lastIndexOf('#'));
  return cut >= 0 ? s.slice(cut + 1) : s;
}

/**
 * Maps a status IRI (`.../dataset-status/DEVELOP`, `.../ISO19139ProgressCode/onGoing`) or literal
 * code to its label. Unknown codes come back raw (the IRI's last segment, or the literal); null for
 * empty input.
 */
export const mapStatus = memo(mapStatusOnce);

function mapStatusOnce(raw: string): StatusResult | null {
  const code = lastSegment(raw);
  if (!code) return null;
  const label = LABELS[code.toLowerCase().replace(/[^a-z0-9]/g, '')];
  return label ? { known: true, label } : { known: false, raw: code };
}
