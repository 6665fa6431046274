CREATE TYPE order_status AS ENUM ('new', 'paid', 'shipped');
CREATE TYPE unused AS ENUM ('x');
CREATE TABLE orders (
  id bigint NOT NULL,
  customer_id bigint NOT NULL,
  total numeric(12,2) DEFAULT 0,
  status order_status NOT NULL,
  PRIMARY KEY (id),
  UNIQUE (customer_id, id),
  CHECK (total >= 0),
  FOREIGN KEY (customer_id) REFERENCES customers (id) ON DELETE RESTRICT
);
