CREATE VIEW catalog_quality_latest AS
SELECT t.* FROM quality_trend t WHERE t.run_id = (SELECT r.id FROM etl_runs r WHERE r.status = 'published' ORDER BY r.scheduled_for DESC, r.id DESC LIMIT 1);
COMMENT ON VIEW catalog_quality_latest IS 'quality_trend restricted to the latest published run: one row per source catalogue';
