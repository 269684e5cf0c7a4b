/**
 * Views for the dashboards, recreated by `migrate()` whenever a definition changes.
 * Listed in dependency order.
 */
export interface ViewDef {
  name: string;
  sql: string;
  comment?: string;
}

/** The latest published run (by publication time). */
export const LATEST_RUN_SQL = `(SELECT r.id FROM etl_runs r WHERE r.status = 'published' ORDER BY r.published_at DESC, r.id DESC LIMIT 1)`;

export const VIEWS: ViewDef[] = [
  {
    name: 'dataset_quality_latest',
    sql: `SELECT q.* FROM dataset_quality q WHERE q.run_id = ${LATEST_RUN_SQL}`,
    comment: 'One row per dataset of the latest published run',
  },
];
