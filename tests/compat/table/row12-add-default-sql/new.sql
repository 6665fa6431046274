CREATE TABLE users (
  id bigint NOT NULL,
  email character varying(100) NOT NULL,
  name text,
  age integer DEFAULT 18,
  created_at timestamp with time zone NOT NULL DEFAULT now(),
  PRIMARY KEY (id)
);
