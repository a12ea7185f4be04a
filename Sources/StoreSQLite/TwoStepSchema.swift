import GRDB

/// Tables of two-step verification (migration `002-two-step`). Secrets are only ever keyed
/// hashes (`*_hash` columns); times are Unix seconds (REAL).
enum TwoStepSchema {
    static func create(_ db: Database) throws {
        try db.execute(sql: """
            CREATE TABLE phone_bindings (
                account_id INTEGER PRIMARY KEY NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
                phone TEXT NOT NULL,
                bound_at REAL NOT NULL
            );
            CREATE TABLE sms_codes (
                id INTEGER PRIMARY KEY AUTOINCREMENT,
                account_id INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
                phone TEXT NOT NULL,
                purpose TEXT NOT NULL,
                code_hash TEXT NOT NULL,
                challenge TEXT,
                created_at REAL NOT NULL,
                expires_at REAL NOT NULL,
                failed_attempts INTEGER NOT NULL DEFAULT 0,
                consumed INTEGER NOT NULL DEFAULT 0
            );
            CREATE INDEX sms_codes_account ON sms_codes(account_id, purpose, id);
            CREATE TABLE sign_in_challenges (
                token_hash TEXT PRIMARY KEY NOT NULL,
                account_id INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
                state TEXT NOT NULL,
                remote_ip TEXT NOT NULL,
                created_at REAL NOT NULL,
                expires_at REAL NOT NULL
            );
            CREATE TABLE trusted_devices (
                id INTEGER PRIMARY KEY AUTOINCREMENT,
                account_id INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
                token_hash TEXT NOT NULL UNIQUE,
                name TEXT NOT NULL,
                ip TEXT NOT NULL,
                trusted_at REAL NOT NULL,
                last_seen_at REAL NOT NULL,
                expires_at REAL NOT NULL
            );
            CREATE INDEX trusted_devices_account ON trusted_devices(account_id);
            CREATE TABLE app_passwords (
                id INTEGER PRIMARY KEY AUTOINCREMENT,
                account_id INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
                name TEXT NOT NULL,
                secret_hash TEXT NOT NULL,
                created_at REAL NOT NULL,
                last_used_at REAL,
                last_used_protocol TEXT,
                last_used_ip TEXT
            );
            CREATE INDEX app_passwords_lookup ON app_passwords(account_id, secret_hash);
            CREATE TABLE web_sessions (
                id_hash TEXT PRIMARY KEY NOT NULL,
                account_id INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
                created_at REAL NOT NULL,
                last_seen_at REAL NOT NULL,
                expires_at REAL NOT NULL,
                remote_ip TEXT NOT NULL,
                trusted_device_id INTEGER
            );
            CREATE INDEX web_sessions_account ON web_sessions(account_id);
            CREATE TABLE two_step_enforcements (
                kind TEXT NOT NULL,
                value TEXT NOT NULL,
                created_at REAL NOT NULL,
                PRIMARY KEY (kind, value)
            );
            CREATE TABLE audit_events (
                id INTEGER PRIMARY KEY AUTOINCREMENT,
                at REAL NOT NULL,
                account_id INTEGER,
                kind TEXT NOT NULL,
                door TEXT,
                method TEXT,
                success INTEGER NOT NULL,
                ip TEXT,
                detail TEXT NOT NULL
            );
            CREATE INDEX audit_events_account ON audit_events(account_id, id);
            CREATE TABLE rate_events (
                key TEXT NOT NULL,
                at REAL NOT NULL
            );
            CREATE INDEX rate_events_key ON rate_events(key, at);
            """)
    }
}
