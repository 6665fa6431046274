-- 0001-init.sql - the registry's tables (store.h describes each row kind).
-- Applied once, inside the migration transaction, and recorded in
-- schema_migrations as version 1. Never edit a released migration: add
-- NNNN-<name>.sql instead.

CREATE TABLE schemas (
  context     TEXT    NOT NULL,
  id          INTEGER NOT NULL,
  schema_type TEXT    NOT NULL,
  schema      TEXT    NOT NULL,
  refs        TEXT,
  metadata    TEXT,
  rule_set    TEXT,
  identity    TEXT    NOT NULL,
  guid        TEXT    NOT NULL,
  PRIMARY KEY (context, id)
);

CREATE TABLE versions (
  context   TEXT    NOT NULL,
  subject   TEXT    NOT NULL,
  version   INTEGER NOT NULL,
  schema_id INTEGER NOT NULL,
  deleted   INTEGER NOT NULL DEFAULT 0 CHECK (deleted IN (0, 1)),
  ts        INTEGER NOT NULL,
  PRIMARY KEY (context, subject, version),
  FOREIGN KEY (context, schema_id) REFERENCES schemas (context, id)
    DEFERRABLE INITIALLY DEFERRED
);
CREATE INDEX versions_by_schema ON versions (context, schema_id);

CREATE TABLE configs (
  context TEXT NOT NULL,
  subject TEXT NOT NULL,
  config  TEXT NOT NULL,
  PRIMARY KEY (context, subject)
);

CREATE TABLE modes (
  context TEXT NOT NULL,
  subject TEXT NOT NULL,
  mode    TEXT NOT NULL,
  PRIMARY KEY (context, subject)
);
