-- lint-case: assume-in-transaction
-- Reported once each, at the first statement that takes a lock.
CREATE TABLE IF NOT EXISTS notes (id bigint);
ALTER TABLE users ADD COLUMN nickname text;
ALTER TABLE users ADD COLUMN motto text;
