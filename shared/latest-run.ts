/**
 * SQL for the latest published run: the one with the latest scheduled date (then the highest id),
 * which every `*_latest` view reads. Not the one published last: retrying an old failed run
 * publishes it late, and must not replace newer data.
 */
export const LATEST_RUN_SQL = `(SELECT r.id FROM etl_runs r WHERE r.status = 'published' ORDER BY r.scheduled_for DESC, r.id DESC LIMIT 1)`;

/** SQL for the published run before the latest one (same order). */
export const PREVIOUS_RUN_SQL = `(SELECT r.id FROM etl_runs r WHERE r.status = 'published' ORDER BY r.scheduled_for DESC, r.id DESC OFFSET 1 LIMIT 1)`;
