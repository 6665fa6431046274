CREATE TABLE accounts (
 
);
