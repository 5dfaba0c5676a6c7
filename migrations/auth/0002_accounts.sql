-- auth: accounts, sessions (= refresh-token families), refresh tokens, the revocation feed, login throttling.
-- Times are ms since the epoch.
CREATE TABLE users (
  id TEXT PRIMARY KEY,
  email TEXT NOT NULL UNIQUE,            -- normalised: trimmed, lower case
  name TEXT NOT NULL,
  password_hash TEXT NOT NULL,           -- pbkdf2-sha256$<iterations>$<salt b64>$<hash b64>
  roles TEXT NOT NULL DEFAULT '["buyer"]', -- JSON array of buyer|organizer|admin
  locale TEXT NOT NULL DEFAULT 'vi' CHECK (locale IN ('vi', 'en')),
  phone TEXT,
  created_at INTEGER NOT NULL
);

CREATE TABLE sessions (
  id TEXT PRIMARY KEY,                   -- the access token's `sid`
  user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  created_at INTEGER NOT NULL,
  last_used_at INTEGER NOT NULL,
  expires_at INTEGER NOT NULL,           -- expiry of its newest refresh token
  access_expires_at INTEGER NOT NULL,    -- exp of the newest access token issued for it
  revoked_at INTEGER,
  revoked_reason TEXT                    -- logout | refresh_reuse
);
CREATE INDEX sessions_user ON sessions(user_id);
CREATE INDEX sessions_expires ON sessions(expires_at);

CREATE TABLE refresh_tokens (
  token_hash TEXT PRIMARY KEY,           -- hex SHA-256 of the opaque token; the token itself is never stored
  session_id TEXT NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
  created_at INTEGER NOT NULL,
  expires_at INTEGER NOT NULL,
  used_at INTEGER,                       -- set when rotated: a second use is theft
  replaced_by TEXT                       -- hash of its successor
);
CREATE INDEX refresh_tokens_session ON refresh_tokens(session_id);
CREATE INDEX refresh_tokens_expires ON refresh_tokens(expires_at);

-- The feed the gateway syncs (AuthRpc.revokedSessionsSince): seq is the cursor.
CREATE TABLE revoked_sessions (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  session_id TEXT NOT NULL UNIQUE,
  revoked_at INTEGER NOT NULL,
  until INTEGER NOT NULL                 -- when the session's last access token expires
);
CREATE INDEX revoked_sessions_until ON revoked_sessions(until);

-- Failed logins per account (account:<email>) and per client address (client:<ip>), fixed window.
CREATE TABLE login_throttle (
  key TEXT PRIMARY KEY,
  failures INTEGER NOT NULL,
  window_start INTEGER NOT NULL
);
CREATE INDEX login_throttle_window ON login_throttle(window_start);
