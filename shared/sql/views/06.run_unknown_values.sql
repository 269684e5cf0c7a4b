CREATE VIEW run_unknown_values AS
SELECT
  r.id AS run_id,
  (r.scheduled_for AT TIME ZONE 'Europe/Paris')::date AS run_date,
  split_part(n.key, ':', 1) AS kind,
  substr(n.key, length(split_part(n.key, ':', 1)) + 2) AS value,
  CASE WHEN jsonb_typeof(n.value) = 'number' THEN (n.value #>> '{}')::numeric::integer END AS datasets
FROM etl_runs r
CROSS JOIN LATERAL jsonb_each(r.notes) n
WHERE n.key LIKE 'unknown\_%:%';
COMMENT ON VIEW run_unknown_values IS 'Per run: the formats, media types, licences and frequencies the vocabularies did not know, with the number of datasets using each (what to map next)';
