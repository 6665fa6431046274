CREATE TABLE users (
  created_at timestamp with time zone NOT NULL DEFAULT now(),
  age integer,
  name text,
  email character varying(100) NOT NULL,
  id bigint NOT NULL,
  PRIMARY KEY (id)
);
