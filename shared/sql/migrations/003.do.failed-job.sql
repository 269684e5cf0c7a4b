-- etl_runs.failed_job: the step whose retry revives a failed run
ALTER TABLE etl_runs ADD COLUMN failed_job text;
COMMENT ON COLUMN etl_runs.failed_job IS 'job id of the step that failed the run; retrying that job makes the run running again';
