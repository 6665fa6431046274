-- lint-case: assume-in-transaction
SET lock_timeout = '2s';
SET statement_timeout = '5min';
ALTER TABLE users RENAME COLUMN email TO email_address;
