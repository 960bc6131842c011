-- The first schema of PgStore (server/pgstore.go). Times are unix
-- seconds, as in the Store interface; an entry is alive while its
-- expiration is after now.

-- Escrows: the sealed data the server cannot open without its key.
CREATE TABLE escrows (
	id         text   PRIMARY KEY, -- bare escrow id
	kind       text   NOT NULL,
	data       text   NOT NULL,
	expiration bigint NOT NULL
);
CREATE INDEX escrows_expiration ON escrows (expiration);

-- Pending verification codes, one per escrow. UNLOGGED: they need not
-- survive a crash of PostgreSQL (see Store), and skip the WAL's fsync.
CREATE UNLOGGED TABLE codes (
	id         text    PRIMARY KEY, -- bare escrow id
	code       text    NOT NULL,
	expiration bigint  NOT NULL,
	failures   integer NOT NULL,
	language   text    NOT NULL  -- of the request that had it sent
);
CREATE INDEX codes_expiration ON codes (expiration);

-- Spent payment tokens, until they could no longer pay anyway.
CREATE UNLOGGED TABLE spent_tokens (
	token      text   PRIMARY KEY,
	expiration bigint NOT NULL
);
CREATE INDEX spent_tokens_expiration ON spent_tokens (expiration);

-- The wrong-code budget of each escrow (server/guesses.go): durable, so
-- that neither a restart nor another instance gives a guesser a fresh
-- one.
CREATE TABLE guesses (
	id           text    PRIMARY KEY, -- bare escrow id
	expiration   bigint  NOT NULL,    -- of the escrow it was made for
	wrong        integer NOT NULL,
	lockouts     integer NOT NULL,
	locked_until bigint  NOT NULL
);
CREATE INDEX guesses_expiration ON guesses (expiration);

-- Messages sent to each recipient (server/sendlimit.go), by a keyed hash
-- of the address, never the address. Shared, not durable: UNLOGGED.
CREATE UNLOGGED TABLE sends (
	key        text    PRIMARY KEY,
	expiration bigint  NOT NULL,
	hour_start bigint  NOT NULL,
	hour       integer NOT NULL,
	day_start  bigint  NOT NULL,
	day        integer NOT NULL
);
CREATE INDEX sends_expiration ON sends (expiration);

-- The server's own secret (the key of those hashes): one row, written
-- by the first instance to start.
CREATE TABLE server_secret (
	id     integer PRIMARY KEY CHECK (id = 1),
	secret bytea   NOT NULL
);

-- Waiting periods of heirs' escrows (server/release_store.go), as
-- durable as the escrows. expiration is that of the escrow the release
-- belongs to, also inside record.
CREATE TABLE releases (
	id         text   PRIMARY KEY, -- bare escrow id
	expiration bigint NOT NULL,
	record     jsonb  NOT NULL
);

-- ACME certificates and keys (autocert.Cache), shared by all instances.
CREATE TABLE autocert_cache (
	name    text        PRIMARY KEY,
	data    bytea       NOT NULL,
	updated timestamptz NOT NULL DEFAULT now()
);
