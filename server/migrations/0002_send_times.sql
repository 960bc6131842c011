-- The send limits slide (server/sendwindow.go): each recipient's row
-- keeps the time of every message that still counts. The fixed-window
-- columns stay and are still written, so instances of the release
-- before keep counting right during a rolling upgrade.
ALTER TABLE sends ADD COLUMN times bigint[] NOT NULL DEFAULT '{}';
