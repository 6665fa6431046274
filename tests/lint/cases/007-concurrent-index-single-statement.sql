-- lint-case: assume-in-transaction exclude=require-lock-timeout,require-statement-timeout
-- Runners such as golang-migrate skip the transaction for a one-statement file.
CREATE INDEX CONCURRENTLY IF NOT EXISTS users_email_idx ON users (email);
