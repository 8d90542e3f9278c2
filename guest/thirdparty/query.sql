-- A second session on the same database file: joins, aggregates, window functions, a recursive
-- CTE, output modes, a table written to a host CSV file and read back, a backup, and VACUUM.
.headers on
.mode column
SELECT * FROM order_lines ORDER BY id;
SELECT c.name, count(o.id) AS orders, coalesce(sum(o.qty), 0) AS items,
       printf('%.2f', coalesce(sum(o.qty * p.price), 0)) AS spent
  FROM customer c LEFT JOIN orders o ON o.customer = c.id LEFT JOIN product p ON p.sku = o.sku
  GROUP BY c.id ORDER BY spent DESC, c.name;
SELECT substr(day, 1, 7) AS month, count(*) AS n, sum(qty) AS qty,
       group_concat(sku, '+') AS skus FROM (SELECT * FROM orders ORDER BY id)
  GROUP BY month HAVING n > 1 ORDER BY month;
SELECT name, total, rank() OVER (ORDER BY total DESC) AS r,
       sum(total) OVER (PARTITION BY name ORDER BY id) AS running
  FROM order_lines ORDER BY name, id;
.mode box
WITH RECURSIVE fib(i, a, b) AS (SELECT 1, 0, 1 UNION ALL SELECT i + 1, b, a + b FROM fib WHERE i < 12)
  SELECT i, a FROM fib WHERE i % 3 = 0;
.mode line
SELECT date('2024-01-31', '+1 month') AS d, julianday('2024-03-01') - julianday('2024-02-01') AS days,
       strftime('%Y-%j', '2024-12-31') AS doy, upper(hex(zeroblob(3))) AS blob,
       typeof(1), typeof(1.0), typeof('1'), typeof(NULL), 7 / 2, 7 / 2.0, 7 % 3, -7 % 3,
       abs(-9223372036854775807), 1e308 * 10, cast('12abc' AS INTEGER), instr('popcorn', 'corn'),
       replace('a-b-c', '-', '/'), trim('  x  '), length('häl€'), unicode('€'), quote('it''s');
.mode json
SELECT sku, title, price FROM product ORDER BY price;
.mode csv
.headers off
.once orders-export.csv
SELECT id, customer, sku, qty, day FROM orders ORDER BY id;
CREATE TEMP TABLE reread (id, customer, sku, qty, day);
.import orders-export.csv reread
.mode list
SELECT count(*), sum(qty), max(day) FROM reread;
SELECT * FROM audit;
.backup backup.db
VACUUM;
PRAGMA integrity_check;
.tables
.schema orders
.mode list
SELECT * FROM sqlite_master WHERE name = 'no such table';
SELECT 1/0, nosuchcolumn FROM orders;
SELECT 'still running after an error';
