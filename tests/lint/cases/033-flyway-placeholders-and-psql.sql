-- lint-case: assume-in-transaction
\set ON_ERROR_STOP on
SET lock_timeout = '2s';
SET statement_timeout = '5min';
ALTER TABLE ${schema}.users ADD COLUMN nickname text;
ALTER TABLE ${schema}.users DROP COLUMN legacy;
\echo done
