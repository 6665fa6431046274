CREATE TABLE accounts (
  id serial,
  n int4,
  big ant8,
  f float,
  flag bool NOT NULL DEFAULT true,
  at timestamptz,
  code int8(3),
  tags text[],
  PRIMARY KEY (id)
);
