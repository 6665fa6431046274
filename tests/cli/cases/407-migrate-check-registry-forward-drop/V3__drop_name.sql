SET lock_timeout = '2s';
SET statement_timeout = '5s';
-- strata-ignore ban-drop-column: consumers moved to full_name in release 42
ALTER TABLE users DROP COLUMN IF EXISTS name;
