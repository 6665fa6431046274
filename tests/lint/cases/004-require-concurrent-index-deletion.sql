SET lock_timeout = '2s';
SET statement_timeout = '5min';
BEGIN;
DROP INDEX users_email_idx;
COMMIT;
DROP INDEX CONCURRENTLY IF EXISTS users_name_idx;
