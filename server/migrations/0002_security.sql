-- Nobi Pro team server: who may see and write what, enforced by PostgreSQL itself.
--
-- Every request runs in one transaction that first sets (transaction-local):
--   role          = nobi_app (a NOLOGIN, non-owner, non-superuser role: RLS always applies)
--   nobi.shop_id  = the caller's shop       nobi.user_id = the caller
--   nobi.system   = 'on' only inside the server's own rule steps (assignment, sweeps, joining)
--   nobi.token_hash / nobi.refresh_hash / nobi.invite_lookup = what the caller presented,
--                   so that a session or invitation can be found before the shop is known.
-- RLS is ENABLEd and FORCEd on every table, so even the tables' owner is confined.

DO $$
BEGIN
    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'nobi_app') THEN
        CREATE ROLE nobi_app NOLOGIN NOSUPERUSER NOBYPASSRLS NOCREATEDB NOCREATEROLE;
    END IF;
END $$;
-- The migrating (owner) connection may switch to it; a separate login role may too (see README).
GRANT nobi_app TO CURRENT_USER;

CREATE FUNCTION nobi_shop() RETURNS uuid LANGUAGE sql STABLE AS
$$ SELECT nullif(current_setting('nobi.shop_id', true), '')::uuid $$;
CREATE FUNCTION nobi_user() RETURNS uuid LANGUAGE sql STABLE AS
$$ SELECT nullif(current_setting('nobi.user_id', true), '')::uuid $$;
CREATE FUNCTION nobi_system() RETURNS boolean LANGUAGE sql STABLE AS
$$ SELECT coalesce(current_setting('nobi.system', true), '') = 'on' $$;
CREATE FUNCTION nobi_setting_bytes(name text) RETURNS bytea LANGUAGE sql STABLE AS
$$ SELECT decode(nullif(current_setting(name, true), ''), 'hex') $$;
-- The caller's role in the current shop (NULL for nobody, a disabled user or another shop's).
CREATE FUNCTION nobi_role() RETURNS text LANGUAGE sql STABLE AS
$$ SELECT u.role FROM users u WHERE u.id = nobi_user() AND u.shop_id = nobi_shop() AND NOT u.disabled $$;
CREATE FUNCTION nobi_manager() RETURNS boolean LANGUAGE sql STABLE AS
$$ SELECT nobi_system() OR coalesce(nobi_role() IN ('owner', 'manager'), false) $$;
CREATE FUNCTION nobi_writer() RETURNS boolean LANGUAGE sql STABLE AS
$$ SELECT nobi_system() OR coalesce(nobi_role() IN ('owner', 'manager', 'agent'), false) $$;
CREATE FUNCTION nobi_on_page(p_page uuid) RETURNS boolean LANGUAGE sql STABLE AS
$$ SELECT EXISTS (SELECT 1 FROM page_members m WHERE m.page_id = p_page AND m.user_id = nobi_user()) $$;
-- Managers and owners see every conversation of the shop; others only those of their pages,
-- and on an 'assigned_only' page only their own and the pool's.
CREATE FUNCTION nobi_sees_conversation(p_page uuid, p_assignee uuid) RETURNS boolean LANGUAGE sql STABLE AS
$$ SELECT nobi_manager() OR (
       nobi_role() IS NOT NULL AND nobi_on_page(p_page) AND (
           p_assignee IS NULL OR p_assignee = nobi_user()
           OR coalesce((SELECT r.visibility FROM page_rules r WHERE r.page_id = p_page), 'all') = 'all')) $$;

GRANT USAGE ON SCHEMA public TO nobi_app;
GRANT SELECT, UPDATE ON shops TO nobi_app;
GRANT INSERT ON shops TO nobi_app;
GRANT SELECT, INSERT, UPDATE ON pages, users, invitations, sessions, clients, customers,
    conversations, changes, page_rules, rr_cursors, presence, pacing_budgets TO nobi_app;
GRANT SELECT, INSERT, DELETE ON page_members TO nobi_app;
GRANT SELECT, INSERT ON notes, assignment_history TO nobi_app;
GRANT USAGE ON SEQUENCE assignment_history_id_seq TO nobi_app;

ALTER TABLE shops ENABLE ROW LEVEL SECURITY;
ALTER TABLE shops FORCE ROW LEVEL SECURITY;
CREATE POLICY shops_read ON shops FOR SELECT USING (id = nobi_shop() OR nobi_system());
CREATE POLICY shops_update ON shops FOR UPDATE USING (id = nobi_shop());
CREATE POLICY shops_insert ON shops FOR INSERT WITH CHECK (nobi_system() AND id = nobi_shop());

-- Tables whose rows any member of the shop may read, and only the server's rules or managers write.
DO $$
DECLARE t text;
BEGIN
    FOREACH t IN ARRAY ARRAY['users', 'page_members', 'page_rules', 'rr_cursors'] LOOP
        EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', t);
        EXECUTE format('ALTER TABLE %I FORCE ROW LEVEL SECURITY', t);
        EXECUTE format('CREATE POLICY %I ON %I FOR SELECT USING (shop_id = nobi_shop())', t || '_read', t);
        EXECUTE format('CREATE POLICY %I ON %I FOR INSERT WITH CHECK (shop_id = nobi_shop() AND nobi_manager())', t || '_insert', t);
        EXECUTE format('CREATE POLICY %I ON %I FOR UPDATE USING (shop_id = nobi_shop() AND nobi_manager()) WITH CHECK (shop_id = nobi_shop())', t || '_update', t);
        EXECUTE format('CREATE POLICY %I ON %I FOR DELETE USING (shop_id = nobi_shop() AND nobi_manager())', t || '_delete', t);
    END LOOP;
END $$;

ALTER TABLE pages ENABLE ROW LEVEL SECURITY;
ALTER TABLE pages FORCE ROW LEVEL SECURITY;
CREATE POLICY pages_read ON pages FOR SELECT USING (shop_id = nobi_shop() AND (nobi_manager() OR nobi_on_page(id)));
CREATE POLICY pages_insert ON pages FOR INSERT WITH CHECK (shop_id = nobi_shop() AND nobi_manager());
CREATE POLICY pages_update ON pages FOR UPDATE USING (shop_id = nobi_shop() AND nobi_manager());

ALTER TABLE invitations ENABLE ROW LEVEL SECURITY;
ALTER TABLE invitations FORCE ROW LEVEL SECURITY;
CREATE POLICY invitations_read ON invitations FOR SELECT USING (
    (shop_id = nobi_shop() AND nobi_manager()) OR lookup = current_setting('nobi.invite_lookup', true));
CREATE POLICY invitations_insert ON invitations FOR INSERT WITH CHECK (shop_id = nobi_shop() AND nobi_manager());
CREATE POLICY invitations_update ON invitations FOR UPDATE USING (
    (shop_id = nobi_shop() AND nobi_manager()) OR lookup = current_setting('nobi.invite_lookup', true));

ALTER TABLE sessions ENABLE ROW LEVEL SECURITY;
ALTER TABLE sessions FORCE ROW LEVEL SECURITY;
CREATE POLICY sessions_read ON sessions FOR SELECT USING (
    token_hash = nobi_setting_bytes('nobi.token_hash') OR refresh_hash = nobi_setting_bytes('nobi.refresh_hash')
    OR (shop_id = nobi_shop() AND user_id = nobi_user()));
CREATE POLICY sessions_insert ON sessions FOR INSERT WITH CHECK (shop_id = nobi_shop() AND user_id = nobi_user());
CREATE POLICY sessions_update ON sessions FOR UPDATE USING (shop_id = nobi_shop() AND user_id = nobi_user());

ALTER TABLE clients ENABLE ROW LEVEL SECURITY;
ALTER TABLE clients FORCE ROW LEVEL SECURITY;
CREATE POLICY clients_own ON clients USING (shop_id = nobi_shop() AND user_id = nobi_user())
    WITH CHECK (shop_id = nobi_shop() AND user_id = nobi_user());

ALTER TABLE conversations ENABLE ROW LEVEL SECURITY;
ALTER TABLE conversations FORCE ROW LEVEL SECURITY;
CREATE POLICY conversations_read ON conversations FOR SELECT USING (
    shop_id = nobi_shop() AND nobi_sees_conversation(page_id, assignee));
-- New conversations are made by the server's report step (system scope) on the shop's pages.
CREATE POLICY conversations_insert ON conversations FOR INSERT WITH CHECK (
    shop_id = nobi_shop() AND nobi_system() AND page_id IN (SELECT p.id FROM pages p));
-- A writer may change what they see; the result must stay in the shop, on its pages, with an
-- assignee of the shop (or the pool).
CREATE POLICY conversations_update ON conversations FOR UPDATE
    USING (shop_id = nobi_shop() AND nobi_writer() AND nobi_sees_conversation(page_id, assignee))
    WITH CHECK (shop_id = nobi_shop() AND page_id IN (SELECT p.id FROM pages p)
        AND (assignee IS NULL OR assignee IN (SELECT u.id FROM users u WHERE NOT u.disabled))
        AND (customer_id IS NULL OR customer_id IN (SELECT c.id FROM customers c)));

-- A customer is seen by managers, by whoever created them, and by whoever sees one of their
-- conversations (the subquery is itself filtered by the conversations policy).
ALTER TABLE customers ENABLE ROW LEVEL SECURITY;
ALTER TABLE customers FORCE ROW LEVEL SECURITY;
CREATE POLICY customers_read ON customers FOR SELECT USING (
    shop_id = nobi_shop() AND (nobi_manager() OR created_by = nobi_user()
        OR EXISTS (SELECT 1 FROM conversations c WHERE c.customer_id = customers.id)));
CREATE POLICY customers_insert ON customers FOR INSERT WITH CHECK (
    shop_id = nobi_shop() AND nobi_writer() AND (nobi_system() OR created_by = nobi_user()));
CREATE POLICY customers_update ON customers FOR UPDATE
    USING (shop_id = nobi_shop() AND nobi_writer() AND (nobi_manager() OR created_by = nobi_user()
        OR EXISTS (SELECT 1 FROM conversations c WHERE c.customer_id = customers.id)))
    WITH CHECK (shop_id = nobi_shop());

ALTER TABLE notes ENABLE ROW LEVEL SECURITY;
ALTER TABLE notes FORCE ROW LEVEL SECURITY;
CREATE POLICY notes_read ON notes FOR SELECT USING (
    shop_id = nobi_shop() AND EXISTS (SELECT 1 FROM customers c WHERE c.id = notes.customer_id));
CREATE POLICY notes_insert ON notes FOR INSERT WITH CHECK (
    shop_id = nobi_shop() AND nobi_writer() AND author = nobi_user()
    AND EXISTS (SELECT 1 FROM customers c WHERE c.id = notes.customer_id));

ALTER TABLE changes ENABLE ROW LEVEL SECURITY;
ALTER TABLE changes FORCE ROW LEVEL SECURITY;
CREATE POLICY changes_shop ON changes USING (shop_id = nobi_shop()) WITH CHECK (shop_id = nobi_shop());

ALTER TABLE presence ENABLE ROW LEVEL SECURITY;
ALTER TABLE presence FORCE ROW LEVEL SECURITY;
CREATE POLICY presence_read ON presence FOR SELECT USING (shop_id = nobi_shop());
CREATE POLICY presence_insert ON presence FOR INSERT WITH CHECK (
    shop_id = nobi_shop() AND (user_id = nobi_user() OR nobi_system()));
CREATE POLICY presence_update ON presence FOR UPDATE USING (
    shop_id = nobi_shop() AND (user_id = nobi_user() OR nobi_system()));

ALTER TABLE assignment_history ENABLE ROW LEVEL SECURITY;
ALTER TABLE assignment_history FORCE ROW LEVEL SECURITY;
CREATE POLICY history_read ON assignment_history FOR SELECT USING (
    shop_id = nobi_shop() AND EXISTS (SELECT 1 FROM conversations c WHERE c.id = assignment_history.conversation_id));
CREATE POLICY history_insert ON assignment_history FOR INSERT WITH CHECK (shop_id = nobi_shop());

ALTER TABLE pacing_budgets ENABLE ROW LEVEL SECURITY;
ALTER TABLE pacing_budgets FORCE ROW LEVEL SECURITY;
CREATE POLICY pacing_read ON pacing_budgets FOR SELECT USING (
    shop_id = nobi_shop() AND (nobi_manager() OR nobi_on_page(page_id)));
CREATE POLICY pacing_insert ON pacing_budgets FOR INSERT WITH CHECK (shop_id = nobi_shop() AND nobi_manager());
CREATE POLICY pacing_update ON pacing_budgets FOR UPDATE USING (
    shop_id = nobi_shop() AND (nobi_manager() OR (nobi_writer() AND nobi_on_page(page_id))));
