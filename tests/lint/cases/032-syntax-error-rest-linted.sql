-- lint-case: assume-in-transaction
SET lock_timeout = '2s';
SET statement_timeout = '5min';
ALTER TABLE users ADD COLUM nickname text;
ALTER TABLE users DROP COLUMN legacy;
  SELECT 'é', 'ü' FROM;
ALTER TABLE users RENAME TO people;
