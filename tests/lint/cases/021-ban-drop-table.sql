-- lint-case: assume-in-transaction
SET lock_timeout = '2s';
SET statement_timeout = '5min';
DROP TABLE IF EXISTS audit_old, audit_older CASCADE;
