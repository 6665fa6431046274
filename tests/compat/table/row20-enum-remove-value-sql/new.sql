CREATE TYPE mood AS ENUM ('sad');
CREATE TABLE users (
  id bigint NOT NULL,
  email character varying(100) NOT NULL,
  name text,
  age integer,
  created_at timestamp with time zone NOT NULL DEFAULT now(),
  mood mood,
  PRIMARY KEY (id)
);
