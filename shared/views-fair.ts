import type { ViewDef } from './views.js';

import { LATEST_RUN_SQL as LATEST_RUN, PREVIOUS_RUN_SQL as PREVIOUS_RUN } from './latest-run.js';

/** The run's scheduled day; runs are scheduled in Europe/Paris (ETL_TZ default, as runDate). */
const RUN_DATE = `(r.scheduled_for AT TIME ZONE 'Europe/Paris')::date`;

const pct = (condition: string) => `round(100.0 * count(*) FILTER (WHERE ${condition}) / count(*), 1)`;

/**
 * The dashboards' views over history (quality_trend) and the latest run. Listed in dependency
 * order; meant to follow `dataset_quality_latest` in VIEWS.
 */
export const FAIR_VIEWS: ViewDef[] = [
  // e.g. "How has the mean MQA total of each catalogue evolved over the last three months?"
  {
    name: 'quality_trend',
    comment:
      'Per published run and source catalogue: datasets, mean filling rate, mean MQA total and udata score, MQA rating counts, % open access, % with licence, % with contact',
    sql: `SELECT
  q.run_id,
  ${RUN_DATE} AS run_date,
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
  ${pct('q.open_access')} AS pct_open_access,
  ${pct('cardinality(q.licences) > 0')} AS pct_with_licence,
  ${pct('q.contact_email IS NOT NULL')} AS pct_with_contact
FROM dataset_quality q
JOIN etl_runs r ON r.id = q.run_id
WHERE r.status = 'published'
GROUP BY q.run_id, r.scheduled_for, r.published_at, q.source_catalog`,
  },
  // e.g. "Which catalogues have the most datasets rated bad, and what share of them has a contact?"
  {
    name: 'catalog_quality_latest',
    comment: 'quality_trend restricted to the latest published run: one row per source catalogue',
    // run_id is a grouping column of quality_trend: the filter is pushed down to one partition
    sql: `SELECT t.* FROM quality_trend t WHERE t.run_id = ${LATEST_RUN}`,
  },
  // e.g. "Which datasets lost MQA points since yesterday's run, and how many?"
  {
    name: 'dataset_quality_changes',
    comment:
      'Datasets whose MQA total or filling rate changed between the previous and the latest published run, with old and new values',
    sql: `SELECT
  n.dataset_uri,
  n.title,
  n.source_catalog,
  o.run_id AS previous_run_id,
  n.run_id,
  (SELECT ${RUN_DATE} FROM etl_runs r WHERE r.id = o.run_id) AS previous_run_date,
  (SELECT ${RUN_DATE} FROM etl_runs r WHERE r.id = n.run_id) AS run_date,
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
WHERE n.run_id = ${LATEST_RUN}
  AND o.run_id = ${PREVIOUS_RUN}
  AND ((o.mqa_total IS NOT NULL AND n.mqa_total IS DISTINCT FROM o.mqa_total)
    OR n.filling_rate IS DISTINCT FROM o.filling_rate)`,
  },
  // e.g. the previous dashboards' "Percentage of filled fields per catalogue", unchanged
  {
    name: 'datasets',
    comment:
      'Compatibility view: the latest published run under the column names and text shapes of the previous Python chain',
    // the old chain stored everything as text (pandas to_sql): lists as "{a, b}" or space-joined, univers as 'PPRN'
    sql: `SELECT
  q.dataset_uri AS dataset,
  q.title,
  q.description,
  q.modified::text AS modification,
  NULLIF(array_to_string(q.rights_statements, ' '), '') AS right_statement,
  NULLIF(array_to_string(q.themes, ' '), '') AS themes,
  NULLIF(array_to_string(q.keywords, ' '), '') AS key_words,
  q.creator,
  q.rights_holder,
  q.contact_email AS contact_point,
  q.status,
  q.source_catalog AS catalog,
  CASE WHEN cardinality(q.licences) > 0 THEN '{' || array_to_string(q.licences, ', ') || '}' END AS licenses,
  q.filling_rate::double precision AS percantage_filling,
  CASE WHEN q.universe_pprn THEN 'PPRN' END AS univers,
  CASE WHEN cardinality(q.communes) > 0 THEN '{' || array_to_string(q.communes, ', ') || '}' END AS commune,
  CASE WHEN cardinality(q.departements) > 0 THEN '{' || array_to_string(q.departements, ', ') || '}' END AS departement,
  q.geo_coverage,
  q.open_access AS right_statement_processed
FROM dataset_quality q
WHERE q.run_id = ${LATEST_RUN}`,
  },
  // e.g. "Which format labels did last night's run not recognise, and in how many datasets?"
  {
    name: 'run_unknown_values',
    comment:
      'Per run: the formats, media types, licences and frequencies the vocabularies did not know, with the number of datasets using each (what to map next)',
    sql: `SELECT
  r.id AS run_id,
  ${RUN_DATE} AS run_date,
  split_part(n.key, ':', 1) AS kind,
  substr(n.key, length(split_part(n.key, ':', 1)) + 2) AS value,
  CASE WHEN jsonb_typeof(n.value) = 'number' THEN (n.value #>> '{}')::numeric::integer END AS datasets
FROM etl_runs r
CROSS JOIN LATERAL jsonb_each(r.notes) n
WHERE n.key LIKE 'unknown\\_%:%'`,
  },
];
