-- lint-case: assume-in-transaction
SET lock_timeout = '2s';
SET statement_timeout = '5min';
ALTER TABLE users ADD COLUMN token uuid DEFAULT gen_random_uuid();
ALTER TABLE users ADD COLUMN created_at timestamptz DEFAULT now();
ALTER TABLE users ADD COLUMN score integer DEFAULT 0;
ALTER TABLE users ADD COLUMN tags text[] DEFAULT ARRAY[]::text[];
ALTER TABLE users ADD COLUMN slug text GENERATED ALWAYS AS (lower(name)) STORED;
ALTER TABLE users ADD COLUMN seq bigserial;
ALTER TABLE users ADD COLUMN n integer DEFAULT random() * 10;
