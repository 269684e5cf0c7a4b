-- data path v2: provenance for run-wide de-duplication, per-batch counters
ALTER TABLE dataset_quality
  ADD COLUMN source_object integer,
  ADD COLUMN source_element integer;
COMMENT ON COLUMN dataset_quality.source_object IS 'position of source_key in the run''s sorted listing of the dump';
COMMENT ON COLUMN dataset_quality.source_element IS 'position of the dataset''s node in the object''s @graph';
ALTER TABLE etl_batches
  ADD COLUMN object_index integer,
  ADD COLUMN notes jsonb NOT NULL DEFAULT '{}'::jsonb;
COMMENT ON COLUMN etl_batches.notes IS 'the batch''s per-run counters, summed into etl_runs.notes at publication';
