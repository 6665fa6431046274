-- lint-case: assume-in-transaction
SET lock_timeout = '2s';
SET statement_timeout = '5min';
RESET lock_timeout;
SET statement_timeout = 0;
ALTER TABLE users ADD COLUMN nickname text;
