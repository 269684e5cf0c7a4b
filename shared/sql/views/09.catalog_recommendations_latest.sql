CREATE VIEW catalog_recommendations_latest AS
SELECT
  r.source_catalog,
  r.indicator,
  count(*)::integer AS datasets,
  sum(r.points)::integer AS points
FROM dataset_recommendations_latest r
GROUP BY r.source_catalog, r.indicator;
COMMENT ON VIEW catalog_recommendations_latest IS 'Per source catalogue and failed MQA indicator: how many datasets fail it and the points fixing it would gain (ORDER BY points DESC: what to fix first)';
