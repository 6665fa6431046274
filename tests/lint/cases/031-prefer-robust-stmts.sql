SET lock_timeout = '2s';
SET statement_timeout = '5min';
CREATE TABLE notes (id bigint);
ALTER TABLE users ADD COLUMN nickname text;
ALTER TABLE users ADD COLUMN IF NOT EXISTS motto text;
ALTER TABLE users DROP CONSTRAINT IF EXISTS users_motto_check;
ALTER TABLE users ADD CONSTRAINT users_motto_check CHECK (length(motto) < 100) NOT VALID;
ALTER TABLE users ADD CONSTRAINT users_nick_check CHECK (length(nickname) < 100) NOT VALID;
DROP INDEX CONCURRENTLY users_old_idx;
