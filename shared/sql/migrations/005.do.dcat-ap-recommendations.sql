-- DCAT-AP SHACL results, the unscaled rating, and the MQA indicators' points and advice
ALTER TABLE dataset_quality
  ADD COLUMN mqa_rating_raw text,
  ADD COLUMN dcat_ap_violations jsonb;

CREATE TABLE mqa_indicators (
  indicator text PRIMARY KEY,
  dimension text NOT NULL,
  points integer NOT NULL,
  advice text NOT NULL,
  advice_fr text NOT NULL
);
COMMENT ON TABLE mqa_indicators IS 'The MQA indicators (column mqa_<indicator>): dimension, points and what to do when a dataset fails one; kept equal to shared/columns.ts by every process at start';
