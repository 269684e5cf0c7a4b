import type { ColumnDef } from './columns.js';

/** indicators.md sections 2 (MQA) and 3 (udata): filled in by the FAIR scores issue. */
export const FAIR_COLUMNS: readonly ColumnDef[] = [];
