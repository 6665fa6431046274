-- lint-case: assume-in-transaction
SET lock_timeout = '2s';
SET statement_timeout = '5min';
CREATE OR REPLACE FUNCTION touch() RETURNS trigger AS $fn$
BEGIN
  NEW.updated_at := now(); -- a ; and a \ inside the body
  RETURN NEW;
END;
$fn$ LANGUAGE plpgsql;
DO $$ BEGIN RAISE NOTICE 'x;y'; END $$;
ALTER TABLE users DROP COLUMN legacy;
