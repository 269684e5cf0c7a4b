CREATE VIEW dataset_recommendations_latest AS
SELECT
  q.run_id,
  q.dataset_uri,
  q.source_catalog,
  i.indicator,
  i.points,
  i.advice,
  i.advice_fr
FROM dataset_quality_latest q
CROSS JOIN LATERAL (VALUES
    ('keyword_availability', q.mqa_keyword_availability),
    ('category_availability', q.mqa_category_availability),
    ('spatial_availability', q.mqa_spatial_availability),
    ('temporal_availability', q.mqa_temporal_availability),
    ('access_url_status', q.mqa_access_url_status),
    ('download_url_availability', q.mqa_download_url_availability),
    ('download_url_status', q.mqa_download_url_status),
    ('format_availability', q.mqa_format_availability),
    ('media_type_availability', q.mqa_media_type_availability),
    ('format_media_type_vocabulary', q.mqa_format_media_type_vocabulary),
    ('non_proprietary', q.mqa_non_proprietary),
    ('machine_readable', q.mqa_machine_readable),
    ('dcat_ap_compliance', q.mqa_dcat_ap_compliance),
    ('licence_availability', q.mqa_licence_availability),
    ('known_licence', q.mqa_known_licence),
    ('access_rights_availability', q.mqa_access_rights_availability),
    ('access_rights_vocabulary', q.mqa_access_rights_vocabulary),
    ('contact_point_availability', q.mqa_contact_point_availability),
    ('publisher_availability', q.mqa_publisher_availability),
    ('rights_availability', q.mqa_rights_availability),
    ('byte_size_availability', q.mqa_byte_size_availability),
    ('date_issued_availability', q.mqa_date_issued_availability),
    ('date_modified_availability', q.mqa_date_modified_availability)
  ) AS v(indicator, met)
JOIN mqa_indicators i ON i.indicator = v.indicator
WHERE v.met = false;
COMMENT ON VIEW dataset_recommendations_latest IS 'Per dataset of the latest published run: each assessed MQA indicator it fails, the points it would gain and what to do (their sum is mqa_assessable - mqa_total)';
