-- runs, batches and the partitioned quality table
CREATE TABLE etl_runs (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  status text NOT NULL DEFAULT 'queued' CHECK (status IN ('queued', 'running', 'published', 'failed')),
  trigger text NOT NULL DEFAULT 'cli',
  job_key text UNIQUE,
  prefix text NOT NULL,
  -- part of every job id of the run: a database reset restarts the ids, Redis may still hold old jobs
  token text NOT NULL DEFAULT substr(md5(random()::text || clock_timestamp()::text), 1, 8),
  scheduled_for timestamptz NOT NULL DEFAULT now(),
  created_at timestamptz NOT NULL DEFAULT now(),
  started_at timestamptz,
  extract_finished_at timestamptz,
  finished_at timestamptz,
  published_at timestamptz,
  objects integer NOT NULL DEFAULT 0,
  bytes bigint NOT NULL DEFAULT 0,
  datasets integer NOT NULL DEFAULT 0,
  duplicates integer NOT NULL DEFAULT 0,
  batches integer,
  loaded_batches integer NOT NULL DEFAULT 0,
  notes jsonb NOT NULL DEFAULT '{}'::jsonb,
  error text
);
COMMENT ON TABLE etl_runs IS 'One row per ETL run: queued -> running -> published | failed';
COMMENT ON COLUMN etl_runs.batches IS 'number of transform/load batches, known when extract has finished';
COMMENT ON COLUMN etl_runs.notes IS 'per-run counters: unparseable dates, unknown codes, dangling references';
CREATE INDEX etl_runs_published ON etl_runs (published_at DESC) WHERE status = 'published';

CREATE TABLE etl_batches (
  run_id bigint NOT NULL REFERENCES etl_runs (id) ON DELETE CASCADE,
  batch text NOT NULL,
  rows integer NOT NULL,
  loaded_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (run_id, batch)
);
COMMENT ON TABLE etl_batches IS 'Batches already COPYed, so that a retried or duplicated load is a no-op';

CREATE TABLE dataset_quality (
  run_id bigint NOT NULL,
  dataset_uri text NOT NULL,
  source_key text NOT NULL,
  title text,
  description text,
  modified date,
  issued date,
  created date,
  themes text[] NOT NULL DEFAULT '{}',
  keywords text[] NOT NULL DEFAULT '{}',
  rights_statements text[] NOT NULL DEFAULT '{}',
  open_access boolean NOT NULL DEFAULT false,
  rights_holder text,
  publisher text,
  creator text,
  contact_email text,
  status text,
  source_catalog text,
  communes text[] NOT NULL DEFAULT '{}',
  departements text[] NOT NULL DEFAULT '{}',
  geo_coverage text,
  universe_pprn boolean NOT NULL DEFAULT false,
  licences text[] NOT NULL DEFAULT '{}',
  filling_rate numeric(5,2) NOT NULL,
  is_series boolean NOT NULL DEFAULT false,
  in_series text[] NOT NULL DEFAULT '{}',
  PRIMARY KEY (run_id, dataset_uri)
) PARTITION BY LIST (run_id);
COMMENT ON TABLE dataset_quality IS 'Quality indicators per dataset and run; one partition per published run';
