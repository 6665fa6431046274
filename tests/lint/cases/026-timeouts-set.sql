-- lint-case: assume-in-transaction
SELECT set_config('lock_timeout', '2s', true);
SET LOCAL statement_timeout TO '5min';
ALTER TABLE users ADD COLUMN nickname text;
