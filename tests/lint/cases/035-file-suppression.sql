-- lint-case: assume-in-transaction
-- strata-ignore-file require-lock-timeout, require-statement-timeout: the runner's role sets both
ALTER TABLE users DROP COLUMN legacy;
