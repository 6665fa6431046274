-- A table created in the same transaction is empty and invisible to others: adding a
-- required column, a check or a foreign key to it is safe.
SET lock_timeout = '2s';
SET statement_timeout = '5min';
BEGIN;
CREATE TABLE payments (id bigint PRIMARY KEY, amount numeric(12,2));
ALTER TABLE payments ADD COLUMN currency text NOT NULL;
ALTER TABLE payments ADD CONSTRAINT payments_amount_check CHECK (amount > 0);
ALTER TABLE payments ADD CONSTRAINT payments_user_fk FOREIGN KEY (id) REFERENCES users (id);
COMMIT;
