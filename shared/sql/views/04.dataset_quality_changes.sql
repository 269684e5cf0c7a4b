CREATE VIEW dataset_quality_changes AS
SELECT
  n.dataset_uri,
  n.title,
  n.source_catalog,
  o.run_id AS previous_run_id,
  n.run_id,
  (SELECT (r.scheduled_for AT TIME ZONE 'Europe/Paris')::date FROM etl_runs r WHERE r.id = o.run_id) AS previous_run_date,
  (SELECT (r.scheduled_for AT TIME ZONE 'Europe/Paris')::date FROM etl_runs r WHERE r.id = n.run_id) AS run_date,
  o.mqa_total AS mqa_total_old,
  n.mqa_total AS mqa_total_new,
  n.mqa_total - o.mqa_total AS mqa_total_delta,
  o.mqa_rating AS mqa_rating_old,
  n.mqa_rating AS mqa_rating_new,
  o.filling_rate AS filling_rate_old,
  n.filling_rate AS filling_rate_new,
  n.filling_rate - o.filling_rate AS filling_rate_delta,
  o.udata_score AS udata_score_old,
  n.udata_score AS udata_score_new
FROM dataset_quality n
JOIN dataset_quality o ON o.dataset_uri = n.dataset_uri
WHERE n.run_id = (SELECT r.id FROM etl_runs r WHERE r.status = 'published' ORDER BY r.scheduled_for DESC, r.id DESC LIMIT 1)
  AND o.run_id = (SELECT r.id FROM etl_runs r WHERE r.status = 'published' ORDER BY r.scheduled_for DESC, r.id DESC OFFSET 1 LIMIT 1)
  AND ((o.mqa_total IS NOT NULL AND n.mqa_total IS DISTINCT FROM o.mqa_total)
    OR n.filling_rate IS DISTINCT FROM o.filling_rate);
COMMENT ON VIEW dataset_quality_changes IS 'Datasets whose MQA total or filling rate changed between the previous and the latest published run, with old and new values';
