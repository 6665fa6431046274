SET lock_timeout = '2s';
SET statement_timeout = '5min';
-- strata-ignore ban-drop-column: unused since v42
ALTER TABLE users DROP COLUMN legacy;
ALTER TABLE users DROP COLUMN legacy2;
