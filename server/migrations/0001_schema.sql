-- Nobi Pro team server: the tables. Every shop-scoped table carries shop_id; row-level security
-- (0002_security.sql) confines every query of the app role to one shop and one user's view.
-- Ids are uuids made by the server or the extension (stable ids from its change log).

CREATE TABLE shops (
    id uuid PRIMARY KEY,
    name text NOT NULL,
    -- The shop's change counter: every writing transaction takes the next value while holding
    -- this row's lock, so versions are handed out in commit order and a pull cursor never skips.
    version bigint NOT NULL DEFAULT 0,
    created_at timestamptz NOT NULL DEFAULT now()
);

-- The Instagram / Facebook identities the shop sells from.
CREATE TABLE pages (
    id uuid PRIMARY KEY,
    shop_id uuid NOT NULL REFERENCES shops(id),
    platform text NOT NULL CHECK (platform IN ('instagram', 'facebook', 'messenger')),
    external_id text NOT NULL,
    name text NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    UNIQUE (shop_id, platform, external_id)
);
CREATE INDEX pages_shop ON pages (shop_id);

CREATE TABLE users (
    id uuid PRIMARY KEY,
    shop_id uuid NOT NULL REFERENCES shops(id),
    name text NOT NULL,
    role text NOT NULL CHECK (role IN ('owner', 'manager', 'agent', 'viewer')),
    -- A pull whose cursor is older than this gets a full resync: the user's visibility changed
    -- (pages added or removed, a page's visibility rule changed) without the rows changing.
    visibility_version bigint NOT NULL DEFAULT 0,
    disabled boolean NOT NULL DEFAULT false,
    created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX users_shop ON users (shop_id);

CREATE TABLE page_members (
    shop_id uuid NOT NULL REFERENCES shops(id),
    page_id uuid NOT NULL REFERENCES pages(id) ON DELETE CASCADE,
    user_id uuid NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    PRIMARY KEY (page_id, user_id)
);
CREATE INDEX page_members_user ON page_members (user_id);

-- One-time invitation codes. The code is shown once; only its argon2 hash is kept, found by a
-- short public prefix (lookup) so that joining needs one hash verification, not one per row.
CREATE TABLE invitations (
    id uuid PRIMARY KEY,
    shop_id uuid NOT NULL REFERENCES shops(id),
    lookup text NOT NULL,
    code_hash text NOT NULL,
    role text NOT NULL CHECK (role IN ('owner', 'manager', 'agent', 'viewer')),
    name text,
    page_ids uuid[] NOT NULL DEFAULT '{}',
    created_by uuid REFERENCES users(id),
    expires_at timestamptz NOT NULL,
    used_at timestamptz,
    used_by uuid REFERENCES users(id),
    created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX invitations_lookup ON invitations (lookup);

-- Sign-in sessions: a short-lived access token and a longer refresh token, both random 256-bit
-- values of which only the SHA-256 is stored (high-entropy secrets: no slow hash needed).
CREATE TABLE sessions (
    id uuid PRIMARY KEY,
    shop_id uuid NOT NULL REFERENCES shops(id),
    user_id uuid NOT NULL REFERENCES users(id),
    token_hash bytea NOT NULL UNIQUE,
    token_expires_at timestamptz NOT NULL,
    refresh_hash bytea NOT NULL UNIQUE,
    refresh_expires_at timestamptz NOT NULL,
    revoked_at timestamptz,
    created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX sessions_user ON sessions (user_id);

-- A sync client (one extension install): bound to one user for life; last applied mutation id.
CREATE TABLE clients (
    client_id text PRIMARY KEY,
    shop_id uuid NOT NULL REFERENCES shops(id),
    user_id uuid NOT NULL REFERENCES users(id),
    last_mutation_id bigint NOT NULL DEFAULT 0,
    updated_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE customers (
    id uuid PRIMARY KEY,
    shop_id uuid NOT NULL REFERENCES shops(id),
    data jsonb NOT NULL DEFAULT '{}' CHECK (jsonb_typeof(data) = 'object'),
    tags text[] NOT NULL DEFAULT '{}',
    created_by uuid REFERENCES users(id),
    created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX customers_shop ON customers (shop_id);

CREATE TABLE conversations (
    id uuid PRIMARY KEY,
    shop_id uuid NOT NULL REFERENCES shops(id),
    page_id uuid NOT NULL REFERENCES pages(id),
    platform text NOT NULL,
    thread_id text NOT NULL,
    customer_id uuid REFERENCES customers(id),
    -- NULL = the page's pool (nobody's yet).
    assignee uuid REFERENCES users(id),
    done boolean NOT NULL DEFAULT false,
    reported_by uuid REFERENCES users(id),
    created_at timestamptz NOT NULL DEFAULT now(),
    UNIQUE (page_id, thread_id)
);
CREATE INDEX conversations_shop ON conversations (shop_id);
CREATE INDEX conversations_assignee ON conversations (page_id, assignee) WHERE NOT done;
CREATE INDEX conversations_customer ON conversations (customer_id);

-- Append-only: there is no UPDATE or DELETE grant on notes.
CREATE TABLE notes (
    id uuid PRIMARY KEY,
    shop_id uuid NOT NULL REFERENCES shops(id),
    customer_id uuid NOT NULL REFERENCES customers(id),
    author uuid NOT NULL REFERENCES users(id),
    body text NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX notes_customer ON notes (customer_id);

-- The latest change of every synced row (and of rows since deleted: the tombstones), by shop
-- version. A pull returns, for each key changed after its cursor, the row if the puller can see
-- it now and a tombstone otherwise.
CREATE TABLE changes (
    shop_id uuid NOT NULL REFERENCES shops(id),
    entity text NOT NULL,
    entity_id uuid NOT NULL,
    version bigint NOT NULL,
    deleted boolean NOT NULL DEFAULT false,
    PRIMARY KEY (shop_id, entity, entity_id)
);
CREATE INDEX changes_version ON changes (shop_id, version);

-- How a page's new conversations are shared among its agents.
CREATE TABLE page_rules (
    page_id uuid PRIMARY KEY REFERENCES pages(id) ON DELETE CASCADE,
    shop_id uuid NOT NULL REFERENCES shops(id),
    mode text NOT NULL DEFAULT 'all' CHECK (mode IN ('all', 'round_robin', 'claim_first')),
    -- 'all': every member sees every conversation of the page; 'assigned_only': an agent sees
    -- their own and the pool (managers and owners still see all).
    visibility text NOT NULL DEFAULT 'all' CHECK (visibility IN ('all', 'assigned_only')),
    -- At most this many open conversations per agent on this page (NULL = no cap).
    capacity integer CHECK (capacity IS NULL OR capacity > 0),
    -- An agent silent for longer loses their open conversations (round-robin: to the next
    -- online agent; claim-first: back to the pool). NULL = never.
    offline_minutes integer CHECK (offline_minutes IS NULL OR offline_minutes > 0),
    -- Conversations that existed before the rule (or lost their agent): keep or share out.
    existing text NOT NULL DEFAULT 'keep' CHECK (existing IN ('keep', 'share')),
    updated_at timestamptz NOT NULL DEFAULT now()
);

-- Round-robin position per page; locked FOR UPDATE while choosing, never kept in memory.
CREATE TABLE rr_cursors (
    page_id uuid PRIMARY KEY REFERENCES pages(id) ON DELETE CASCADE,
    shop_id uuid NOT NULL REFERENCES shops(id),
    last_user_id uuid
);

CREATE TABLE presence (
    user_id uuid PRIMARY KEY REFERENCES users(id) ON DELETE CASCADE,
    shop_id uuid NOT NULL REFERENCES shops(id),
    last_seen timestamptz NOT NULL DEFAULT now(),
    paused boolean NOT NULL DEFAULT false
);

CREATE TABLE assignment_history (
    id bigserial PRIMARY KEY,
    shop_id uuid NOT NULL REFERENCES shops(id),
    conversation_id uuid NOT NULL REFERENCES conversations(id) ON DELETE CASCADE,
    from_user uuid REFERENCES users(id),
    to_user uuid REFERENCES users(id),
    -- NULL = the server itself (a rule, the offline sweep).
    by_user uuid REFERENCES users(id),
    reason text NOT NULL CHECK (reason IN ('round_robin', 'claim', 'manual', 'offline_sweep', 'share_existing', 'pool')),
    at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX assignment_history_conversation ON assignment_history (conversation_id, id);

-- A sending account's (page's) shared budget: every browser of the shop draws from it.
CREATE TABLE pacing_budgets (
    page_id uuid PRIMARY KEY REFERENCES pages(id) ON DELETE CASCADE,
    shop_id uuid NOT NULL REFERENCES shops(id),
    hourly_limit integer NOT NULL DEFAULT 30 CHECK (hourly_limit >= 0),
    daily_limit integer NOT NULL DEFAULT 200 CHECK (daily_limit >= 0),
    gap_seconds integer NOT NULL DEFAULT 20 CHECK (gap_seconds >= 0),
    hour_start timestamptz NOT NULL DEFAULT date_trunc('hour', now()),
    hour_count integer NOT NULL DEFAULT 0,
    -- The shop's day is Vietnam's (UTC+7).
    day_start date NOT NULL DEFAULT (now() AT TIME ZONE 'Asia/Ho_Chi_Minh')::date,
    day_count integer NOT NULL DEFAULT 0,
    last_send_at timestamptz
);
