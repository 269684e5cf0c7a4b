CREATE VIEW datasets AS
SELECT
  q.dataset_uri AS dataset,
  q.title,
  q.description,
  q.modified::text AS modification,
  NULLIF(array_to_string(q.rights_statements, ' '), '') AS right_statement,
  CASE WHEN cardinality(q.themes) > 0 THEN '{' || array_to_string(q.themes, ', ') || '}' END AS themes,
  CASE WHEN cardinality(q.keywords) > 0 THEN '{' || array_to_string(q.keywords, ', ') || '}' END AS key_words,
  q.creator,
  q.rights_holder,
  q.contact_email AS contact_point,
  CASE q.status
    WHEN 'On going' THEN 'On Going'
    WHEN 'Historical archive' THEN 'Historical Archive'
    WHEN 'Under development' THEN 'Under Development'
    ELSE q.status
  END AS status,
  q.source_catalog AS catalog,
  CASE WHEN cardinality(q.licences) > 0 THEN '{' || array_to_string(q.licences, ', ') || '}' END AS licenses,
  q.filling_rate::double precision AS percantage_filling,
  CASE WHEN q.universe_pprn THEN 'PPRN' END AS univers,
  CASE WHEN cardinality(q.communes) > 0 THEN '{' || array_to_string(q.communes, ', ') || '}' END AS commune,
  CASE WHEN cardinality(q.departements) > 0 THEN '{' || array_to_string(q.departements, ', ') || '}' END AS departement,
  q.geo_coverage,
  q.open_access AS right_statement_processed
FROM dataset_quality q
WHERE q.run_id = (SELECT r.id FROM etl_runs r WHERE r.status = 'published' ORDER BY r.scheduled_for DESC, r.id DESC LIMIT 1);
COMMENT ON VIEW datasets IS 'Compatibility view: the latest published run under the column names and text shapes of the previous Python chain';
