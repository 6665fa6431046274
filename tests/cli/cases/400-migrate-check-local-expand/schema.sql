CREATE TYPE mood AS ENUM ('sad', 'ok');
CREATE TABLE users (
  id bigint PRIMARY KEY,
  email varchar(100) NOT NULL,
  name text,
  mood mood
);
