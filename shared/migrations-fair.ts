import type { Migration } from './migrations.js';

/**
 * Migration 2 (FAIR scores and history): the MQA and udata columns of FAIR_COLUMNS (nullable:
 * rows of runs published before this migration have no score), and `etl_runs.purged_at` for
 * retention. Written out literally, as a released migration must never change;
 * test/retention.int.test.ts checks it against FAIR_COLUMNS.
 */
export const FAIR_MIGRATION: Migration = {
  version: 2,
  name: 'FAIR scores (MQA, udata) and run retention',
  sql: `
ALTER TABLE dataset_quality
  ADD COLUMN mqa_keyword_availability boolean,
  ADD COLUMN mqa_category_availability boolean,
  ADD COLUMN mqa_spatial_availability boolean,
  ADD COLUMN mqa_temporal_availability boolean,
  ADD COLUMN mqa_access_url_status boolean,
  ADD COLUMN mqa_download_url_availability boolean,
  ADD COLUMN mqa_download_url_status boolean,
  ADD COLUMN mqa_format_availability boolean,
  ADD COLUMN mqa_media_type_availability boolean,
  ADD COLUMN mqa_format_media_type_vocabulary boolean,
  ADD COLUMN mqa_non_proprietary boolean,
  ADD COLUMN mqa_machine_readable boolean,
  ADD COLUMN mqa_dcat_ap_compliance boolean,
  ADD COLUMN mqa_licence_availability boolean,
  ADD COLUMN mqa_known_licence boolean,
  ADD COLUMN mqa_access_rights_availability boolean,
  ADD COLUMN mqa_access_rights_vocabulary boolean,
  ADD COLUMN mqa_contact_point_availability boolean,
  ADD COLUMN mqa_publisher_availability boolean,
  ADD COLUMN mqa_rights_availability boolean,
  ADD COLUMN mqa_byte_size_availability boolean,
  ADD COLUMN mqa_date_issued_availability boolean,
  ADD COLUMN mqa_date_modified_availability boolean,
  ADD COLUMN mqa_findability integer,
  ADD COLUMN mqa_accessibility integer,
  ADD COLUMN mqa_interoperability integer,
  ADD COLUMN mqa_reusability integer,
  ADD COLUMN mqa_contextuality integer,
  ADD COLUMN mqa_total integer,
  ADD COLUMN mqa_assessable integer,
  ADD COLUMN mqa_rating text,
  ADD COLUMN mqa_estimated boolean,
  ADD COLUMN udata_description_length boolean,
  ADD COLUMN udata_license boolean,
  ADD COLUMN udata_temporal_coverage boolean,
  ADD COLUMN udata_spatial_coverage boolean,
  ADD COLUMN udata_update_frequency boolean,
  ADD COLUMN udata_updated_in_time boolean,
  ADD COLUMN udata_open_format boolean,
  ADD COLUMN udata_resources_available boolean,
  ADD COLUMN udata_resources_documented boolean,
  ADD COLUMN udata_score real;
ALTER TABLE etl_runs ADD COLUMN purged_at timestamptz;
COMMENT ON COLUMN etl_runs.purged_at IS 'when retention dropped the run''s rows (published runs) or leftover staging table (failed runs)';
`,
};
