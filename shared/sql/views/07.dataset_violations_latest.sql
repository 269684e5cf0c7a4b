CREATE VIEW dataset_violations_latest AS
SELECT
  q.run_id,
  q.dataset_uri,
  q.source_catalog,
  v.focus_node,
  v.path,
  v."constraint",
  v.severity,
  v.message,
  v.value
FROM dataset_quality_latest q
CROSS JOIN LATERAL jsonb_to_recordset(q.dcat_ap_violations)
  AS v(focus_node text, path text, "constraint" text, severity text, message text, value text)
WHERE q.dcat_ap_violations IS NOT NULL;
COMMENT ON VIEW dataset_violations_latest IS 'Every DCAT-AP SHACL result of the latest published run: which node of which dataset breaks which rule';
