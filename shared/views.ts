/**
 * Views for the dashboards, recreated by `migrate()` whenever a definition changes.
 * Listed in dependency order.
 */
export interface ViewDef {
  name: string;
  sql: string;
  comment?: string;
}

import { LATEST_RUN_SQL } from './latest-run.js';
import { FAIR_VIEWS } from './views-fair.js';

export const VIEWS: ViewDef[] = [
  {
    name: 'dataset_quality_latest',
    sql: `SELECT q.* FROM dataset_quality q WHERE q.run_id = ${LATEST_RUN_SQL}`,
    comment: 'One row per dataset of the latest published run',
  },
  ...FAIR_VIEWS,
];
