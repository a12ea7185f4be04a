import GRDB

/// Ordered, named schema migrations, run at open. Never edit a migration that has shipped;
/// add a new one.
enum SQLiteMigrations {
    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("001-directory") { db in
            try db.execute(sql: """
                CREATE TABLE domains (
                    name TEXT PRIMARY KEY NOT NULL,
                    created_at REAL NOT NULL
                );
                CREATE TABLE accounts (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    address TEXT NOT NULL UNIQUE,
                    domain TEXT NOT NULL REFERENCES domains(name),
                    display_name TEXT NOT NULL,
                    password_hash TEXT NOT NULL,
                    disabled INTEGER NOT NULL DEFAULT 0,
                    created_at REAL NOT NULL
                );
                CREATE INDEX accounts_domain ON accounts(domain);
                CREATE TABLE aliases (
                    address TEXT PRIMARY KEY NOT NULL,
                    domain TEXT NOT NULL REFERENCES domains(name),
                    account_id INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
                    created_at REAL NOT NULL
                );
                CREATE INDEX aliases_account ON aliases(account_id);
                """)
        }
        migrator.registerMigration("002-two-step") { db in
            try TwoStepSchema.create(db)
        }
        return migrator
    }
}
