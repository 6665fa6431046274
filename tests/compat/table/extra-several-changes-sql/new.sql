CREATE TABLE users (
  id bigint NOT NULL,
  email character varying(50) NOT NULL,
  name text,
  created_at timestamp with time zone NOT NULL DEFAULT now(),
  tenant_id bigint NOT NULL,
  PRIMARY KEY (id)
);
