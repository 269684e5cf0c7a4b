/** SQL for the latest published run (by publication time): the run every `*_latest` view reads. */
export const LATEST_RUN_SQL = `(SELECT r.id FROM etl_runs r WHERE r.status = 'published' ORDER BY r.published_at DESC, r.id DESC LIMIT 1)`;

/** SQL for the published run before the latest one. */
export const PREVIOUS_RUN_SQL = `(SELECT r.id FROM etl_runs r WHERE r.status = 'published' ORDER BY r.published_at DESC, r.id DESC OFFSET 1 LIMIT 1)`;
