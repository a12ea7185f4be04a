import GRDB
import MailwardCore

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
        migrator.registerMigration("002-mail") { db in
            try db.execute(sql: """
                CREATE TABLE counters (
                    name TEXT PRIMARY KEY NOT NULL,
                    value INTEGER NOT NULL
                );
                CREATE TABLE mailboxes (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    account_id INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
                    name TEXT NOT NULL,
                    special_use TEXT,
                    uid_validity INTEGER NOT NULL,
                    uid_next INTEGER NOT NULL DEFAULT 1,
                    highest_modseq INTEGER NOT NULL DEFAULT 1,
                    created_at REAL NOT NULL,
                    UNIQUE (account_id, name)
                );
                CREATE TABLE subscriptions (
                    account_id INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
                    name TEXT NOT NULL,
                    PRIMARY KEY (account_id, name)
                );
                CREATE TABLE blobs (
                    id TEXT PRIMARY KEY NOT NULL,
                    size INTEGER NOT NULL,
                    refcount INTEGER NOT NULL DEFAULT 0,
                    summary TEXT NOT NULL,
                    parsed TEXT NOT NULL
                );
                CREATE INDEX blobs_unreferenced ON blobs(refcount) WHERE refcount <= 0;
                CREATE VIRTUAL TABLE blob_text USING fts5(text, tokenize = 'trigram', detail = 'none');
                CREATE TABLE messages (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    mailbox_id INTEGER NOT NULL REFERENCES mailboxes(id) ON DELETE CASCADE,
                    account_id INTEGER NOT NULL,
                    uid INTEGER NOT NULL,
                    modseq INTEGER NOT NULL,
                    flags TEXT NOT NULL,
                    seen INTEGER NOT NULL,
                    deleted INTEGER NOT NULL,
                    internal_date REAL NOT NULL,
                    size INTEGER NOT NULL,
                    blob_id TEXT NOT NULL REFERENCES blobs(id),
                    UNIQUE (mailbox_id, uid)
                );
                CREATE INDEX messages_account ON messages(account_id);
                CREATE INDEX messages_blob ON messages(blob_id);
                CREATE TABLE quotas (
                    account_id INTEGER PRIMARY KEY NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
                    limit_bytes INTEGER NOT NULL,
                    used_bytes INTEGER NOT NULL DEFAULT 0
                );
                -- Reference counts and quota usage follow every insert and delete of a copy,
                -- including the cascades of a deleted mailbox or account.
                CREATE TRIGGER messages_inserted AFTER INSERT ON messages BEGIN
                    UPDATE blobs SET refcount = refcount + 1 WHERE id = NEW.blob_id;
                    UPDATE quotas SET used_bytes = used_bytes + NEW.size WHERE account_id = NEW.account_id;
                END;
                CREATE TRIGGER messages_deleted AFTER DELETE ON messages BEGIN
                    UPDATE blobs SET refcount = refcount - 1 WHERE id = OLD.blob_id;
                    UPDATE quotas SET used_bytes = used_bytes - OLD.size WHERE account_id = OLD.account_id;
                END;
                """)
        }
        migrator.registerMigration("002-two-step") { db in
            try TwoStepSchema.create(db)
        }
        migrator.registerMigration("003-outbound-queue") { db in
            try db.execute(sql: """
                CREATE TABLE outbound_messages (
                    id TEXT PRIMARY KEY NOT NULL,
                    sender TEXT NOT NULL,
                    blob_id TEXT NOT NULL REFERENCES blobs(id),
                    size INTEGER NOT NULL,
                    created_at REAL NOT NULL
                );
                CREATE TABLE outbound_recipients (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    message_id TEXT NOT NULL REFERENCES outbound_messages(id) ON DELETE CASCADE,
                    address TEXT NOT NULL,
                    domain TEXT NOT NULL,
                    state TEXT NOT NULL,
                    attempts INTEGER NOT NULL DEFAULT 0,
                    next_attempt_at REAL NOT NULL,
                    last_error TEXT,
                    delay_notified INTEGER NOT NULL DEFAULT 0
                );
                CREATE INDEX outbound_recipients_due ON outbound_recipients(state, next_attempt_at);
                CREATE INDEX outbound_recipients_message ON outbound_recipients(message_id);
                -- A queued message holds one reference on its body, so the mail store's
                -- garbage collection never removes a body that still has to be sent.
                CREATE TRIGGER outbound_messages_inserted AFTER INSERT ON outbound_messages BEGIN
                    UPDATE blobs SET refcount = refcount + 1 WHERE id = NEW.blob_id;
                END;
                CREATE TRIGGER outbound_messages_deleted AFTER DELETE ON outbound_messages BEGIN
                    UPDATE blobs SET refcount = refcount - 1 WHERE id = OLD.blob_id;
                END;
                """)
        }
        migrator.registerMigration("004-shares") { db in
            try db.execute(sql: """
                CREATE TABLE shares (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    owner_id INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
                    grantee_id INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
                    permission TEXT NOT NULL,
                    created_at REAL NOT NULL,
                    created_by INTEGER NOT NULL,
                    UNIQUE (owner_id, grantee_id)
                );
                CREATE INDEX shares_grantee ON shares(grantee_id);
                """)
        }
        migrator.registerMigration("005-expunge-modseq") { db in
            // The MODSEQ of each mailbox's latest expunge (MailboxChanges reads the UIDs only
            // after one); existing mailboxes start as if they had just had one.
            try db.execute(sql: """
                ALTER TABLE mailboxes ADD COLUMN expunge_modseq INTEGER NOT NULL DEFAULT 0;
                UPDATE mailboxes SET expunge_modseq = highest_modseq;
                """)
        }
        migrator.registerMigration("006-inline-bodies") { db in
            // Small bodies in the database (MailService.inlineBodyLimit); NULL: in a file.
            try db.execute(sql: "ALTER TABLE blobs ADD COLUMN body BLOB")
        }
        migrator.registerMigration("007-deferred-text-index") { db in
            // Bodies (by blobs.rowid) whose text SearchIndexer has not put into blob_text yet;
            // a delivery adds its row here instead of indexing inside its transaction.
            try db.execute(sql: "CREATE TABLE blob_text_pending (rowid INTEGER PRIMARY KEY)")
        }
        migrator.registerMigration("008-messages-by-date") { db in
            // The webmail's list, newest first, one page at a time (MailStore.messagePage).
            try db.execute(sql: "CREATE INDEX messages_mailbox_date ON messages(mailbox_id, internal_date, uid)")
        }
        migrator.registerMigration("009-canonical-domains") { db in
            try CanonicalDomains.migrate(db)
        }
        migrator.registerMigration("010-maildrop-leases") { db in
            // POP3's one session per maildrop, for every process sharing the store (times: Unix seconds).
            try db.execute(sql: """
                CREATE TABLE maildrop_leases (
                    account_id INTEGER PRIMARY KEY NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
                    holder TEXT NOT NULL,
                    expires_at REAL NOT NULL
                )
                """)
        }
        migrator.registerMigration("011-outbound-claims") { db in
            // Until when a worker holds a recipient it claimed (NULL: nobody): `queue retry`
            // leaves those alone (DeliveryQueueStore.retryNow).
            try db.execute(sql: "ALTER TABLE outbound_recipients ADD COLUMN claimed_until REAL")
        }
        migrator.registerMigration("012-recent-mark") { db in
            // IMAP \Recent: the highest UID a session has claimed as recent (MailStore.claimRecent).
            // What a mailbox holds at the upgrade counts as seen by an earlier session.
            try db.execute(sql: """
                ALTER TABLE mailboxes ADD COLUMN recent_uid INTEGER NOT NULL DEFAULT 0;
                UPDATE mailboxes SET recent_uid = uid_next - 1;
                """)
        }
        migrator.registerMigration("013-challenge-stamp") { db in
            // What a sign-in in progress began with (SignInChallenge.securityStamp); challenges
            // of before (ten minutes' worth) have none and are not continued.
            try db.execute(sql: "ALTER TABLE sign_in_challenges ADD COLUMN security_stamp TEXT NOT NULL DEFAULT ''")
        }
        migrator.registerMigration("014-period-counters") { db in
            // Budgets per calendar month (SecurityStore.takeFromPeriodCounter: SMS sent, B8).
            try db.execute(sql: """
                CREATE TABLE period_counters (
                    name TEXT NOT NULL, period TEXT NOT NULL, count INTEGER NOT NULL,
                    PRIMARY KEY (name, period)
                ) WITHOUT ROWID
                """)
        }
        migrator.registerMigration("015-share-expiry") { db in
            // The moment a grant ends by itself (ShareGrant.expiresAt, B6); NULL: until revoked.
            try db.execute(sql: "ALTER TABLE shares ADD COLUMN expires_at REAL")
        }
        migrator.registerMigration("016-app-password-scopes") { db in
            // What a client-specific password opens (AppPasswordScope, B4) and the client's name
            // at its last use (B3). Passwords made before open all three doors, as they did.
            try db.execute(sql: """
                ALTER TABLE app_passwords ADD COLUMN doors TEXT NOT NULL DEFAULT 'imap,pop3,smtp';
                ALTER TABLE app_passwords ADD COLUMN read_only INTEGER NOT NULL DEFAULT 0;
                ALTER TABLE app_passwords ADD COLUMN expires_at REAL;
                ALTER TABLE app_passwords ADD COLUMN last_used_client TEXT;
                """)
        }
        migrator.registerMigration("017-enforcement-grace") { db in
            // B8: the end of an enforcement's grace period (EnforcementRule.graceUntil; NULL:
            // forced from its creation, as every rule made before), and the exemptions.
            try db.execute(sql: """
                ALTER TABLE two_step_enforcements ADD COLUMN grace_until REAL;
                CREATE TABLE two_step_exemptions (
                    kind TEXT NOT NULL,
                    value TEXT NOT NULL,
                    created_at REAL NOT NULL,
                    PRIMARY KEY (kind, value)
                );
                """)
        }
        migrator.registerMigration("018-second-factors") { db in
            // B1: an authenticator app per account (its TOTP secret sealed under the server key,
            // the last step a code was taken for) and one-time recovery codes (keyed hashes).
            try db.execute(sql: """
                CREATE TABLE authenticator_apps (
                    account_id INTEGER PRIMARY KEY NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
                    sealed_secret TEXT NOT NULL,
                    created_at REAL NOT NULL,
                    last_step INTEGER,
                    last_used_at REAL
                );
                CREATE TABLE recovery_codes (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    account_id INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
                    code_hash TEXT NOT NULL,
                    created_at REAL NOT NULL,
                    used_at REAL
                );
                CREATE INDEX recovery_codes_account ON recovery_codes(account_id, code_hash);
                """)
        }
        migrator.registerMigration("019-security-keys") { db in
            // B1: WebAuthn credentials (public keys, nothing secret) as a second factor.
            try db.execute(sql: """
                CREATE TABLE security_keys (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    account_id INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
                    credential_id TEXT NOT NULL,
                    public_key TEXT NOT NULL,
                    rp_id TEXT NOT NULL,
                    name TEXT NOT NULL,
                    sign_count INTEGER NOT NULL,
                    created_at REAL NOT NULL,
                    last_used_at REAL
                );
                CREATE INDEX security_keys_account ON security_keys(account_id);
                """)
        }
        migrator.registerMigration("020-sending-counts") { db in
            // Outside recipients per account and minute, for SendingLimits (the last day's).
            try db.execute(sql: """
                CREATE TABLE sending_counts (
                    account_id INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
                    minute INTEGER NOT NULL,
                    recipients INTEGER NOT NULL,
                    PRIMARY KEY (account_id, minute)
                ) WITHOUT ROWID;
                """)
        }
        migrator.registerMigration("021-auto-replies") { db in
            // An account's automatic reply, and whom it answered when (one reply per sender and period).
            try db.execute(sql: """
                CREATE TABLE auto_replies (
                    account_id INTEGER PRIMARY KEY REFERENCES accounts(id) ON DELETE CASCADE,
                    enabled INTEGER NOT NULL,
                    subject TEXT NOT NULL,
                    body TEXT NOT NULL,
                    ends_at REAL
                );
                CREATE TABLE auto_reply_log (
                    account_id INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
                    sender TEXT NOT NULL,
                    replied_at REAL NOT NULL,
                    PRIMARY KEY (account_id, sender)
                ) WITHOUT ROWID;
                """)
        }
        migrator.registerMigration("022-one-folder-per-special-use") { db in
            // A special use belongs to one folder per account (MailError.specialUseTaken). Uses
            // given twice before this was enforced stay with the oldest folder.
            try db.execute(sql: """
                UPDATE mailboxes SET special_use = NULL
                WHERE special_use IS NOT NULL AND id NOT IN (
                    SELECT MIN(id) FROM mailboxes WHERE special_use IS NOT NULL GROUP BY account_id, special_use);
                CREATE UNIQUE INDEX mailboxes_special_use ON mailboxes(account_id, special_use)
                    WHERE special_use IS NOT NULL;
                """)
        }
        migrator.registerMigration("023-directory-version") { db in
            // Counts every change of a domain, account or alias, whoever makes it (this process,
            // the command line, a migration): the SMTP door's remembered routes hold only while it
            // stands still (ImmediateRecipientLookups). Deliveries touch none of these tables.
            try db.execute(sql: """
                CREATE TABLE directory_version (
                    id INTEGER PRIMARY KEY CHECK (id = 1),
                    version INTEGER NOT NULL
                );
                INSERT INTO directory_version (id, version) VALUES (1, 0);
                """)
            for table in ["domains", "accounts", "aliases"] {
                for change in ["INSERT", "UPDATE", "DELETE"] {
                    try db.execute(sql: """
                        CREATE TRIGGER \(table)_\(change.lowercased())_directory_version AFTER \(change) ON \(table)
                        BEGIN UPDATE directory_version SET version = version + 1; END
                        """)
                }
            }
        }
        migrator.registerMigration("024-no-message-blob-index") { db in
            // Keyed by a 64-character hash, the index took a random page — a WAL frame and its
            // checkpoint — with every delivery, and no query reads it: it only served the foreign
            // key check of a body's removal, which the garbage collector now does without
            // (`collectGarbage`; a body is removed only once nothing refers to it).
            try db.execute(sql: "DROP INDEX IF EXISTS messages_blob")
        }
        migrator.registerMigration("025-outbound-local-folder") { db in
            // Where a queued copy for a local recipient goes (a special use, NULL: INBOX): a
            // message filtered to Junk whose recipient's mailbox was full waits in the queue.
            try db.execute(sql: "ALTER TABLE outbound_messages ADD COLUMN local_folder TEXT")
        }
        migrator.registerMigration("026-outbound-notifications") { db in
            // What the sender asked to be told of the delivery (SMTP's DSN extension, RFC 3461):
            // `DeliveryNotifications` as JSON; NULL: nothing asked.
            try db.execute(sql: "ALTER TABLE outbound_messages ADD COLUMN notifications TEXT")
        }
        return migrator
    }
}

/// Domains stored before internationalized names had one form: `xn--0zwm56d.cn` added as such (or
/// a Unicode name not in NFC) is renamed to ``DomainName/normalize(_:)``'s form — with its
/// accounts, aliases and domain enforcement — since every lookup now uses that form and would
/// no longer find them. A domain whose canonical form already exists separately is left as it
/// is (merging two domains' accounts is the administrator's call).
enum CanonicalDomains {
    static func migrate(_ db: Database) throws {
        for name in try String.fetchAll(db, sql: "SELECT name FROM domains") {
            guard let canonical = try? DomainName.normalize(name), canonical != name,
                  try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM domains WHERE name = ?", arguments: [canonical]) == 0
            else { continue }
            try db.execute(sql: "UPDATE domains SET name = ? WHERE name = ?", arguments: [canonical, name])
            for table in ["accounts", "aliases"] {
                try db.execute(sql: """
                    UPDATE \(table) SET domain = ?, address = substr(address, 1, length(address) - length(domain)) || ?
                    WHERE domain = ?
                    """, arguments: [canonical, canonical, name])
            }
            try db.execute(sql: "UPDATE two_step_enforcements SET value = ? WHERE kind = 'domain' AND value = ?",
                           arguments: [canonical, name])
        }
    }
}
