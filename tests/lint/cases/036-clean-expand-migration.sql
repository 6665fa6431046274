-- A safe expand step: nothing to report.
SET lock_timeout = '2s';
SET statement_timeout = '5min';
BEGIN;
CREATE TABLE IF NOT EXISTS invoices (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  user_id bigint NOT NULL REFERENCES users (id),
  total numeric(12,2) NOT NULL DEFAULT 0,
  CONSTRAINT invoices_total_check CHECK (total >= 0)
);
CREATE INDEX invoices_user_idx ON invoices (user_id);
ALTER TABLE users ADD COLUMN nickname text;
ALTER TABLE users ADD COLUMN plan text NOT NULL DEFAULT 'free';
ALTER TABLE users ADD CONSTRAINT users_plan_check CHECK (plan <> '') NOT VALID;
COMMIT;
