SET lock_timeout = '2s';
SET statement_timeout = '5min';
BEGIN;
ALTER TABLE users ADD COLUMN nickname text;
ALTER TABLE users ADD CONSTRAINT users_nick_len CHECK (length(nickname) < 64) NOT VALID;
COMMIT;
