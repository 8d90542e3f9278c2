-- A write-ahead-log database: the -wal and -shm files beside it are shared memory mappings of host
-- files; checkpointed, and removed when the last connection closes.
PRAGMA journal_mode = WAL;
CREATE TABLE t (x INTEGER, y TEXT);
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 2000)
  INSERT INTO t SELECT i, printf('row %05d', i) FROM n;
BEGIN;
UPDATE t SET y = upper(y) WHERE x % 7 = 0;
DELETE FROM t WHERE x % 11 = 0;
COMMIT;
SELECT count(*), sum(x), min(y), max(y) FROM t;
PRAGMA wal_checkpoint(TRUNCATE);
SELECT count(*) FROM t WHERE y GLOB 'ROW*';
PRAGMA journal_mode = DELETE;
PRAGMA integrity_check;
