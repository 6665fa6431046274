SET lock_timeout = '2s';
SET statement_timeout = '5s';
ALTER TABLE users ALTER COLUMN email TYPE varchar(200);
ALTER TYPE mood ADD VALUE IF NOT EXISTS 'happy';
