-- lint-case: assume-in-transaction exclude=all include=ban-drop-table
ALTER TABLE users DROP COLUMN legacy;
DROP TABLE old_users;
