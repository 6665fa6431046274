-- lint-case: assume-in-transaction
-- With the runner's transaction assumed, CONCURRENTLY fails when the file has other statements.
SET lock_timeout = '2s';
CREATE INDEX CONCURRENTLY IF NOT EXISTS users_email_idx ON users (email);
