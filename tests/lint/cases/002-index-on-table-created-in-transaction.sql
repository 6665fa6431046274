-- A table created in the same transaction is invisible to others: no finding.
SET lock_timeout = '2s';
SET statement_timeout = '5min';
BEGIN;
CREATE TABLE orders (id bigint PRIMARY KEY, user_id bigint);
CREATE INDEX orders_user_idx ON orders (user_id);
COMMIT;
