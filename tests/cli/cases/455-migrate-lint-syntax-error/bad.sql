\set ON_ERROR_STOP on
ALTER TABLE ${schema}.users ADD COLUM x int;
DROP TABLE ${schema}.old_users;
