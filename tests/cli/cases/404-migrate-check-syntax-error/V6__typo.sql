ALTER TABLE users
  ADD COLUMN x int,,;
