-- lint-case: assume-in-transaction schema=012-schema.ddl
-- The schema says what the columns were: widenings without a rewrite pass.
SET lock_timeout = '2s';
SET statement_timeout = '5min';
ALTER TABLE accounts ALTER COLUMN name TYPE varchar(200);
ALTER TABLE accounts ALTER COLUMN bio TYPE text;
ALTER TABLE accounts ALTER COLUMN balance TYPE numeric(14,2);
ALTER TABLE accounts ALTER COLUMN net TYPE inet;
ALTER TABLE accounts ALTER COLUMN seen_at TYPE timestamptz(6);
ALTER TABLE accounts ALTER COLUMN id TYPE bigint;
ALTER TABLE accounts ALTER COLUMN name TYPE varchar(20);
ALTER TABLE accounts ALTER COLUMN balance TYPE numeric(14,4);
