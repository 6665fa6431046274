-- lint-case: assume-in-transaction pg-version=10
-- Before PostgreSQL 11 every default rewrites the table.
SET lock_timeout = '2s';
SET statement_timeout = '5min';
ALTER TABLE users ADD COLUMN score integer DEFAULT 0;
