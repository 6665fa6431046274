SET lock_timeout = '2s';
SET statement_timeout = '5min';
BEGIN;
ALTER TABLE users ADD COLUMN tenant_id bigint NOT NULL;
CREATE INDEX users_tenant_idx ON users (tenant_id);
ALTER TABLE users
  RENAME COLUMN email TO email_address;
COMMIT;
