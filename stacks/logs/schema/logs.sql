-- The log store of stacks/logs: one row per log record the log-shipper sidecar shipped, inserted by rsyslog
-- (images/rsyslog/receiver.conf). The postgres image runs this file once, in database logs, when it creates
-- its cluster (images/postgres/entrypoint.sh: every *.sql of /docker-entrypoint-initdb.d).
--   n            arrival order (the order rsyslog inserted the rows)
--   id           the shipper's id of the record: unique, so a record sent twice is stored once
--   pod, container, file   where the record was read (file: its path in the shared directory)
--   source, seq  the app's own fields (from JSON lines: fields.source, fields.seq), NULL for other records
--   body         the record's raw text (a multi-line record keeps its newlines)
--   doc          the whole message the shipper sent, as JSON
CREATE TABLE logs (
  n bigserial PRIMARY KEY,
  id text NOT NULL UNIQUE,
  pod text,
  container text,
  file text,
  source text,
  seq bigint,
  body text,
  doc jsonb,
  received_at timestamptz NOT NULL DEFAULT now()
);

CREATE INDEX logs_source_seq ON logs (source, seq);
