CREATE TABLE accounts (
  id serial,
  n int4ÿÿÿÿÿÿ,
  big int8,
  f float,
  flag bool NOT NULL DEFAULT true,
  at timestamptz,
  code char(3),
  tags text[],
  PRIMARY KEY (id)
);
