-- lint-case: assume-in-transaction
SET lock_timeout = '2s';
SET statement_timeout = '5min';
-- strata-ignore ban-drop-column: nothing has read legacy since release 42
ALTER TABLE users DROP COLUMN legacy;
ALTER TABLE users DROP COLUMN legacy2;
-- strata-ignore ban-drop-column
ALTER TABLE users DROP COLUMN legacy3;
-- strata-ignore no-such-rule, renaming-table: the view users keeps old clients working
ALTER TABLE users RENAME TO people;
