-- The first session on a new database file: schema, data (some of it imported from a host CSV
-- file), a rolled-back and a committed transaction, a constraint error, and the .dump.
PRAGMA foreign_keys = ON;
CREATE TABLE customer (
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL UNIQUE,
  city TEXT NOT NULL,
  joined TEXT NOT NULL
);
CREATE TABLE product (
  sku TEXT PRIMARY KEY,
  title TEXT NOT NULL,
  price REAL NOT NULL CHECK (price > 0)
) WITHOUT ROWID;
CREATE TABLE orders (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  customer INTEGER NOT NULL REFERENCES customer(id),
  sku TEXT NOT NULL REFERENCES product(sku),
  qty INTEGER NOT NULL DEFAULT 1,
  day TEXT NOT NULL
);
CREATE INDEX orders_by_customer ON orders(customer, day);
CREATE VIEW order_lines AS
  SELECT o.id, c.name, p.title, o.qty, round(o.qty * p.price, 2) AS total, o.day
  FROM orders o JOIN customer c ON c.id = o.customer JOIN product p ON p.sku = o.sku;
CREATE TRIGGER orders_audit AFTER DELETE ON orders BEGIN
  INSERT INTO audit(what) VALUES ('deleted order ' || old.id);
END;
CREATE TABLE audit (n INTEGER PRIMARY KEY, what TEXT);

INSERT INTO customer (name, city, joined) VALUES
  ('Ada', 'London', '2021-03-04'), ('Grace', 'New York', '2020-12-09'),
  ('Linus', 'Helsinki', '2022-01-15'), ('Barbara', 'Boston', '2021-11-30'),
  ('Ken', 'Berkeley', '2019-07-01');
.import --csv --skip 1 products.csv product
SELECT count(*), sum(price) FROM product;

BEGIN;
INSERT INTO orders (customer, sku, qty, day) VALUES
  (1, 'KB-01', 2, '2024-01-03'), (2, 'MS-02', 1, '2024-01-04'), (1, 'MN-27', 1, '2024-01-10'),
  (3, 'KB-01', 5, '2024-02-01'), (4, 'CB-10', 3, '2024-02-11'), (2, 'KB-01', 1, '2024-02-12'),
  (5, 'MN-27', 2, '2024-03-05'), (3, 'CB-10', 10, '2024-03-06'), (1, 'MS-02', 4, '2024-03-07');
COMMIT;

BEGIN;
DELETE FROM orders WHERE customer = 1;
SELECT 'inside the transaction', count(*) FROM orders;
ROLLBACK;
SELECT 'after the rollback', count(*) FROM orders;

SAVEPOINT s1;
UPDATE product SET price = price * 2;
ROLLBACK TO s1;
RELEASE s1;

-- A constraint error: reported on stderr; the session goes on.
INSERT INTO customer (name, city, joined) VALUES ('Ada', 'Paris', '2024-01-01');
INSERT INTO orders (customer, sku, day) VALUES (99, 'KB-01', '2024-04-01');

BEGIN IMMEDIATE;
DELETE FROM orders WHERE id = 2;
UPDATE customer SET city = 'Espoo' WHERE name = 'Linus';
COMMIT;

PRAGMA integrity_check;
PRAGMA foreign_key_check;
.headers on
.mode column
SELECT name, city FROM customer ORDER BY name;
.headers off
.mode list
.dump
