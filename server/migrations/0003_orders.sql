-- Nobi Pro team server: products, stock and orders, shared by the shop's agents. The server
-- decides stock (reservations are taken under its lock, so two agents never sell the last unit
-- twice) and order status (a change from a stale status is refused). See src/mutations.rs.

-- The catalog: each product's whole record (last writer wins), with its variants' SKUs kept
-- apart so that a stock change finds the products to resend.
CREATE TABLE products (
    id uuid PRIMARY KEY,
    shop_id uuid NOT NULL REFERENCES shops(id),
    data jsonb NOT NULL CHECK (jsonb_typeof(data) = 'object'),
    skus text[] NOT NULL DEFAULT '{}',
    updated_by uuid REFERENCES users(id),
    updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX products_shop ON products (shop_id);
CREATE INDEX products_skus ON products USING gin (skus);

-- Counts per SKU and warehouse. on_hand may go below zero (a count adjusted down by hand);
-- reserved is what live orders hold; available = on_hand - reserved.
CREATE TABLE stock (
    shop_id uuid NOT NULL REFERENCES shops(id),
    sku text NOT NULL,
    warehouse text NOT NULL,
    on_hand bigint NOT NULL DEFAULT 0,
    reserved bigint NOT NULL DEFAULT 0 CHECK (reserved >= 0),
    PRIMARY KEY (shop_id, sku, warehouse)
);

-- An order: its status is the server's; `reservation` ({warehouse, items: [{sku, quantity}]}) is
-- what it holds of the stock while its status holds stock (NULL once final); `history` is
-- append-only.
CREATE TABLE orders (
    id uuid PRIMARY KEY,
    shop_id uuid NOT NULL REFERENCES shops(id),
    customer_id uuid REFERENCES customers(id),
    status text NOT NULL CHECK (status IN ('new', 'confirmed', 'packing', 'shipping', 'delivered', 'returned', 'cancelled')),
    data jsonb NOT NULL CHECK (jsonb_typeof(data) = 'object'),
    reservation jsonb,
    history jsonb NOT NULL DEFAULT '[]' CHECK (jsonb_typeof(history) = 'array'),
    created_by uuid NOT NULL REFERENCES users(id),
    created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX orders_shop ON orders (shop_id);
CREATE INDEX orders_customer ON orders (customer_id);

GRANT SELECT, INSERT, UPDATE ON products, stock, orders TO nobi_app;

-- Products and stock: every member of the shop reads them; writers write them.
DO $$
DECLARE t text;
BEGIN
    FOREACH t IN ARRAY ARRAY['products', 'stock'] LOOP
        EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', t);
        EXECUTE format('ALTER TABLE %I FORCE ROW LEVEL SECURITY', t);
        EXECUTE format('CREATE POLICY %I ON %I FOR SELECT USING (shop_id = nobi_shop())', t || '_read', t);
        EXECUTE format('CREATE POLICY %I ON %I FOR INSERT WITH CHECK (shop_id = nobi_shop() AND nobi_writer())', t || '_insert', t);
        EXECUTE format('CREATE POLICY %I ON %I FOR UPDATE USING (shop_id = nobi_shop() AND nobi_writer()) WITH CHECK (shop_id = nobi_shop())', t || '_update', t);
    END LOOP;
END $$;

-- An order is seen by managers, by whoever created it, and by whoever sees its customer (the
-- subquery is itself filtered by the customers policy): it follows its customer's visibility.
ALTER TABLE orders ENABLE ROW LEVEL SECURITY;
ALTER TABLE orders FORCE ROW LEVEL SECURITY;
CREATE POLICY orders_read ON orders FOR SELECT USING (
    shop_id = nobi_shop() AND (nobi_manager() OR created_by = nobi_user()
        OR (customer_id IS NOT NULL AND EXISTS (SELECT 1 FROM customers c WHERE c.id = orders.customer_id))));
CREATE POLICY orders_insert ON orders FOR INSERT WITH CHECK (
    shop_id = nobi_shop() AND nobi_writer() AND created_by = nobi_user()
    AND (customer_id IS NULL OR EXISTS (SELECT 1 FROM customers c WHERE c.id = orders.customer_id)));
CREATE POLICY orders_update ON orders FOR UPDATE
    USING (shop_id = nobi_shop() AND nobi_writer() AND (nobi_manager() OR created_by = nobi_user()
        OR (customer_id IS NOT NULL AND EXISTS (SELECT 1 FROM customers c WHERE c.id = orders.customer_id))))
    WITH CHECK (shop_id = nobi_shop());
