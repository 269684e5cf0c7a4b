CREATE VIEW dataset_quality_latest AS
SELECT q.* FROM dataset_quality q WHERE q.run_id = (SELECT r.id FROM etl_runs r WHERE r.status = 'published' ORDER BY r.scheduled_for DESC, r.id DESC LIMIT 1);
COMMENT ON VIEW dataset_quality_latest IS 'One row per dataset of the latest published run';
