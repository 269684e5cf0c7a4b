CREATE VIEW quality_trend AS
SELECT
  q.run_id,
  (r.scheduled_for AT TIME ZONE 'Europe/Paris')::date AS run_date,
  r.published_at,
  q.source_catalog,
  count(*)::integer AS datasets,
  round(avg(q.filling_rate)::numeric, 1) AS mean_filling_rate,
  round(avg(q.mqa_total), 1) AS mean_mqa_total,
  round(avg(q.udata_score)::numeric, 3) AS mean_udata_score,
  (count(*) FILTER (WHERE q.mqa_rating = 'excellent'))::integer AS rating_excellent,
  (count(*) FILTER (WHERE q.mqa_rating = 'good'))::integer AS rating_good,
  (count(*) FILTER (WHERE q.mqa_rating = 'sufficient'))::integer AS rating_sufficient,
  (count(*) FILTER (WHERE q.mqa_rating = 'bad'))::integer AS rating_bad,
  round(100.0 * count(*) FILTER (WHERE q.open_access) / count(*), 1) AS pct_open_access,
  round(100.0 * count(*) FILTER (WHERE cardinality(q.licences) > 0) / count(*), 1) AS pct_with_licence,
  round(100.0 * count(*) FILTER (WHERE q.contact_email IS NOT NULL) / count(*), 1) AS pct_with_contact
FROM dataset_quality q
JOIN etl_runs r ON r.id = q.run_id
WHERE r.status = 'published'
GROUP BY q.run_id, r.scheduled_for, r.published_at, q.source_catalog;
COMMENT ON VIEW quality_trend IS 'Per published run and source catalogue: datasets, mean filling rate, mean MQA total and udata score, MQA rating counts, % open access, % with licence, % with contact';
