-- a transform job may read several whole objects of the listing in a row (TRANSFORM_BATCH_SOURCES)
ALTER TABLE etl_batches
  ADD COLUMN object_count integer NOT NULL DEFAULT 1;
COMMENT ON COLUMN etl_batches.object_index IS 'position in the run''s listing of the (first) object the batch read';
COMMENT ON COLUMN etl_batches.object_count IS 'objects of the listing the batch read whole, from object_index on (1 for a spilled chunk)';
