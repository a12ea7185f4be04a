import Foundation
import GRDB
import MailwardApp
import MailwardConfig
import MailwardNet
import StoreSQLite
import Testing

/// The administrator's command line, run as a real process against a data folder.
@Suite(.serialized) struct CommandLineTests {
    @Test func domainAndUserLifecycle() async throws {
        let data = try temporaryFolder()
        func mw(_ args: String..., stdin: String? = nil) async throws -> CommandResult {
            try await runMailward(args + ["--data", data], stdin: stdin)
        }
        let added = try await mw("domain", "add", "Example.EDU.cn")
        #expect(added.stdout == "added domain example.edu.cn\n")
        // RFC 5321 §4.5.1: the new domain has nobody for postmaster yet, and the command says how to fix it.
        #expect(added.stderr.contains("postmaster@example.edu.cn is refused") && added.stderr.contains("mailward alias add"))
        #expect(try await mw("domain", "list").stdout == "example.edu.cn\n")
        let add = try await mw("user", "add", "zhang.san@example.edu.cn", "--password", "Tea-Garden-42", "--name", "张三")
        #expect(add.status == 0)
        #expect(add.stdout == "added user zhang.san@example.edu.cn\n")
        #expect(try await mw("user", "add", "li.si@example.edu.cn", "--password-stdin", stdin: "Moon-River-77\n").status == 0)
        #expect(try await mw("user", "list").stdout == "li.si@example.edu.cn\nzhang.san@example.edu.cn\n")
        let show = try await mw("user", "show", "zhang.san@example.edu.cn")
        #expect(show.stdout.contains("name:         张三"))
        #expect(show.stdout.contains("status:       enabled"))
        #expect(!show.stdout.contains("scrypt"))
        #expect(try await mw("user", "disable", "zhang.san@example.edu.cn").status == 0)
        #expect(try await mw("user", "list").stdout.contains("zhang.san@example.edu.cn\tdisabled"))
        #expect(try await mw("user", "enable", "zhang.san@example.edu.cn").status == 0)
        #expect(try await mw("user", "passwd", "zhang.san@example.edu.cn", "--password-stdin", stdin: "Another-Secret-9\n").status == 0)
        // A password may begin with a dash: `--password` takes the next argument whatever it is.
        let dashed = try await mw("user", "passwd", "li.si@example.edu.cn", "--password", "-Dash-Start-5")
        #expect(dashed.status == 0 && dashed.stderr.isEmpty, "\(dashed.stderr)")
        #expect(try await mw("user", "remove", "li.si@example.edu.cn").status == 0)
        #expect(try await mw("user", "list", "--domain", "example.edu.cn").stdout == "zhang.san@example.edu.cn\n")
        // The database never holds a password in clear.
        let database = try Data(contentsOf: URL(fileURLWithPath: data + "/mailward.sqlite"))
        for secret in ["Tea-Garden-42", "Moon-River-77", "Another-Secret-9", "-Dash-Start-5"] {
            #expect(database.range(of: Data(secret.utf8)) == nil)
        }
    }

    /// The administrator decides: a guessable password (short, well known, the account's name)
    /// is set with a warning on standard error — an acceptance script's `--password secret` makes
    /// its account —; what no client could use (empty) is still refused (errorsAreOneClearLine).
    @Test func administratorsGuessablePasswordIsSetWithAWarning() async throws {
        let data = try temporaryFolder()
        func mw(_ args: String...) async throws -> CommandResult { try await runMailward(args + ["--data", data]) }
        #expect(try await mw("domain", "add", "demo.test").status == 0)
        for (address, password) in [("carol@demo.test", "secret"), ("alice@demo.test", "alice-secret-1"), ("dave@demo.test", "12345678")] {
            let add = try await mw("user", "add", address, "--password", password)
            #expect(add.status == 0 && add.stdout == "added user \(address)\n", "\(add.stderr)")
            #expect(add.stderr.hasPrefix("mailward: warning: weak password for \(address): "), "\(add.stderr)")
            #expect(!add.stderr.contains(password))
        }
        let passwd = try await mw("user", "passwd", "carol@demo.test", "--password", "123")
        #expect(passwd.status == 0 && passwd.stderr.contains("warning: weak password"), "\(passwd.stderr)")
        let strong = try await mw("user", "passwd", "carol@demo.test", "--password", "Tea-Garden-42")
        #expect(strong.status == 0 && strong.stderr.isEmpty)
    }

    /// An internationalized domain is one domain in either spelling: the IDNA A-label
    /// (`xn--…`) of one that exists is refused as a duplicate, and names the same accounts.
    @Test func idnDomainInTheOtherSpellingIsTheSameDomain() async throws {
        let data = try temporaryFolder()
        func mw(_ args: String...) async throws -> CommandResult {
            try await runMailward(args + ["--data", data])
        }
        #expect(try await mw("domain", "add", "测试.cn").stdout == "added domain 测试.cn\n")
        let again = try await mw("domain", "add", "xn--0zwm56d.cn")
        #expect(again.status == 1)
        #expect(again.stderr.contains("domain already exists: 测试.cn"), "stderr was: \(again.stderr)")
        #expect(try await mw("domain", "add", "XN--BCHER-KVA.example").stdout == "added domain bücher.example\n")
        #expect(try await mw("domain", "add", "bücher.example").status == 1)
        #expect(try await mw("domain", "list").stdout == "bücher.example\n测试.cn\n")
        #expect(try await mw("user", "add", "user@xn--0zwm56d.cn", "--password", "Tea-Garden-42").stdout == "added user user@测试.cn\n")
        #expect(try await mw("user", "show", "user@测试.cn").status == 0)
        #expect(try await mw("user", "list", "--domain", "xn--0zwm56d.cn").stdout == "user@测试.cn\n")
        #expect(try await mw("domain", "remove", "xn--bcher-kva.example").stdout == "removed domain bücher.example\n")
        #expect(try await mw("domain", "add", "xn--zzzzzzzzzzzz.cn").stderr.contains("malformed domain name"))
    }

    @Test(arguments: [
        (["user", "add", "bob@demo.test", "--password", "Tea-Garden-42"], "account already exists: bob@demo.test"),
        (["user", "add", "bob@nowhere.test", "--password", "Tea-Garden-42"], "unknown domain: nowhere.test"),
        (["user", "add", "not-an-address", "--password", "Tea-Garden-42"], "malformed address: not-an-address"),
        (["user", "add", "carol@demo.test", "--password", ""], "password refused: it is empty"),
        (["user", "add", "carol@demo.test"], "give --password PW, --password-stdin or --no-login"),
        (["user", "show", "nobody@demo.test"], "no such account: nobody@demo.test"),
        (["domain", "add", "demo.test"], "domain already exists: demo.test"),
        (["domain", "remove", "demo.test"], "domain demo.test still has 1 account(s)"),
        (["domain", "remove", "nope.test"], "no such domain: nope.test"),
        (["domain", "add", "bad_domain!"], "malformed domain name"),
        (["alias", "list", "--domain", "nope.test"], "unknown domain: nope.test"),
        (["user", "audit", "nobody@demo.test"], "no such account: nobody@demo.test"),
    ])
    func errorsAreOneClearLine(_ arguments: [String], _ message: String) async throws {
        let data = try temporaryFolder()
        #expect(try await runMailward(["domain", "add", "demo.test", "--data", data]).status == 0)
        #expect(try await runMailward(["user", "add", "bob@demo.test", "--password", "Tea-Garden-42", "--data", data]).status == 0)
        let result = try await runMailward(arguments + ["--data", data])
        #expect(result.status == 1)
        #expect(result.stderr.hasPrefix("mailward: error: "))
        #expect(result.stderr.contains(message), "stderr was: \(result.stderr)")
        #expect(result.stderr.split(separator: "\n").count == 1)
        #expect(result.stdout.isEmpty, "nothing on standard output before the error: \(result.stdout)")
    }

    /// `mailward alias` (postmaster@ and friends), and a usage mistake is one line too.
    @Test func aliasesAndUsageMistakes() async throws {
        let data = try temporaryFolder()
        func mw(_ args: String...) async throws -> CommandResult { try await runMailward(args + ["--data", data]) }
        #expect(try await mw("domain", "add", "demo.test").status == 0)
        #expect(try await mw("user", "add", "bob@demo.test", "--password", "Tea-Garden-42").status == 0)
        #expect(try await mw("alias", "add", "postmaster@demo.test", "bob@demo.test").stdout == "added alias postmaster@demo.test → bob@demo.test\n")
        #expect(try await mw("alias", "list").stdout == "postmaster@demo.test → bob@demo.test\n")
        #expect(try await mw("alias", "list", "--domain", "DEMO.test").stdout == "postmaster@demo.test → bob@demo.test\n")
        let again = try await mw("alias", "add", "postmaster@demo.test", "bob@demo.test")
        #expect(again.status == 1 && again.stderr.contains("postmaster@demo.test is already an alias"), "\(again.stderr)")
        // A domain whose last account is gone but an alias is not: said so, not a store error.
        #expect(try await mw("domain", "add", "old.test").status == 0)
        #expect(try await mw("alias", "add", "bob@old.test", "bob@demo.test").status == 0)
        let aliased = try await mw("domain", "remove", "old.test")
        #expect(aliased.status == 1 && aliased.stderr.contains("domain old.test still has 1 alias(es)"), "\(aliased.stderr)")
        #expect(try await mw("alias", "remove", "bob@old.test").status == 0)
        #expect(try await mw("domain", "remove", "old.test").status == 0)
        // Only `serve` makes a data folder: a command on a mistyped one changes nothing anywhere.
        let mistyped = try await runMailward(["domain", "add", "other.test", "--data", data + "-typo"])
        #expect(mistyped.status == 1 && mistyped.stderr.contains("no data folder at \(data)-typo"), "\(mistyped.stderr)")
        #expect(!FileManager.default.fileExists(atPath: data + "-typo"))
        let noEvents = try await mw("user", "audit", "bob@demo.test", "--limit", "0")
        #expect(noEvents.status == 64 && noEvents.stderr.contains("--limit must be at least 1"), "\(noEvents.stderr)")
        #expect(try await mw("user", "show", "bob@demo.test").stdout.contains("aliases:      postmaster@demo.test"))
        #expect(try await mw("alias", "remove", "postmaster@demo.test").status == 0)
        #expect(try await mw("alias", "list").stdout == "")
        let missing = try await mw("alias", "remove", "postmaster@demo.test")
        #expect(missing.status == 1 && missing.stderr == "mailward: error: no such alias: postmaster@demo.test\n")
        let usage = try await mw("queue", "delete")
        #expect(usage.status == 64)
        #expect(usage.stderr == "mailward: error: Missing expected argument '<id>' (see `mailward queue delete --help`)\n")
        let help = try await runMailward(["alias", "--help"])
        #expect(help.status == 0 && help.stdout.contains("USAGE: mailward alias <subcommand>"))
    }

    /// What Mailward writes is for its user only, also in a data folder an installer made
    /// readable for everyone (systemd's StateDirectory= is 0755): the database holds password
    /// hashes, phone numbers and mail.
    @Test func filesAreWrittenForTheServersUserOnly() async throws {
        let data = try temporaryFolder()
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: data)
        #expect(try await runMailward(["domain", "add", "demo.test", "--data", data]).status == 0)
        #expect(try await runMailward(["dkim", "keygen", "demo.test", "--data", data]).status == 0)
        for file in ["mailward.sqlite", "server.key"] {
            let mode = try FileManager.default.attributesOfItem(atPath: data + "/" + file)[.posixPermissions] as? Int
            #expect(mode.map { $0 & 0o077 } == 0, "\(file): \(String(mode ?? 0, radix: 8))")
        }
        let dkim = try FileManager.default.attributesOfItem(atPath: data + "/dkim")[.posixPermissions] as? Int
        #expect(dkim.map { $0 & 0o077 } == 0)
    }

    /// `user remove` takes the account's mail with it at once: nothing is left for a later
    /// garbage collection to find (which would run inside the writer every delivery waits for).
    @Test func removingAnAccountRemovesItsMail() async throws {
        let data = try temporaryFolder()
        do {
            let runtime = try Runtime(folder: try DataFolder.prepare(data), configuration: MailwardConfiguration())
            try await runtime.accounts.addDomain("demo.test")
            let carol = try await runtime.accounts.addAccount("carol@demo.test", password: "Tea-Garden-42")
            for n in 0..<3 {
                _ = try await runtime.mail.deliver(Array("Subject: \(n)\r\n\r\nbody \(n)\r\n".utf8), to: [carol.id])
            }
        }
        #expect(try await runMailward(["user", "remove", "carol@demo.test", "--data", data]).status == 0)
        let runtime = try Runtime(folder: try DataFolder.prepare(data), configuration: MailwardConfiguration())
        #expect(try await runtime.mail.collectGarbage() == 0)
    }

    @Test func badConfigurationStopsWithTheKey() async throws {
        let data = try temporaryFolder()
        try "http:\n  port: not-a-port\n".write(toFile: data + "/mailward.yaml", atomically: true, encoding: .utf8)
        let result = try await runMailward(["domain", "list", "--data", data])
        #expect(result.status == 1)
        #expect(result.stderr.contains("`http.port`"))
        let env = try await runMailward(["domain", "list", "--data", try temporaryFolder()], environment: ["MAILWARD_LOG_LEVEL": "loud"])
        #expect(env.status == 1)
        #expect(env.stderr.contains("`log.level`"))
    }
}

/// `mailward config check`: what `serve` reads and checks, without starting (exit status 1 when
/// it would not start, warnings printed).
@Suite struct ConfigCheckCommandTests {
    @Test func aGoodConfigurationPassesWithItsWarnings() async throws {
        let data = try temporaryFolder()
        try "hostname: mail.example.edu.cn\nsmtpp:\n  port: 25\nimap:\n  port: 14300\n".write(
            toFile: data + "/mailward.yaml", atomically: true, encoding: .utf8)
        #expect(try await runMailward(["domain", "add", "example.edu.cn", "--data", data]).status == 0)
        let check = try await Self.checkOnTheEmbeddedStore(data)
        #expect(check.status == 0, "\(check.stderr)")
        #expect(check.stdout.contains("configuration file: \(data)/mailward.yaml"))
        #expect(check.stdout.contains("hostname: mail.example.edu.cn, listening on 127.0.0.1"))
        #expect(check.stdout.contains("IMAP 14300 and 1993 (TLS)"))
        #expect(check.stdout.contains("warning: configuration key not known, ignored (misspelled?): smtpp.port"))
        #expect(check.stdout.contains("warning: mail to postmaster@example.edu.cn is refused"))
        #expect(check.stdout.hasSuffix("configuration OK, 2 warnings\n"), "\(check.stdout)")
        #expect(check.stderr.isEmpty, "no start-up log lines: \(check.stderr)")
    }

    /// A mistyped `--data` is named, not made: the check leaves nothing behind.
    @Test func aMissingDataFolderIsNamedAndNotCreated() async throws {
        let data = try temporaryFolder() + "/mailwrad"
        let check = try await Self.checkOnTheEmbeddedStore(data)
        #expect(check.status == 0, "\(check.stderr)")
        #expect(check.stdout.contains("data folder: \(data)\n"))
        #expect(check.stdout.contains("store: SQLite \(data)/mailward.sqlite"))
        #expect(check.stdout.contains("warning: the data folder \(data) does not exist: `serve` creates it on first start"))
        #expect(check.stdout.hasSuffix("configuration OK, 1 warning\n"), "\(check.stdout)")
        #expect(!FileManager.default.fileExists(atPath: data))
    }

    /// `mailward config defaults` prints a file `config check` takes as it is, and the server with it.
    @Test func thePrintedDefaultsAreAConfigurationFile() async throws {
        let folder = try temporaryFolder()
        let defaults = try await runMailward(["config", "defaults"])
        #expect(defaults.status == 0)
        #expect(defaults.stdout.hasPrefix("# Mailward's defaults"))
        let file = folder + "/mailward.yaml"
        try defaults.stdout.write(toFile: file, atomically: true, encoding: .utf8)
        let check = try await runMailward(["config", "check", "--data", folder, "--config", file],
                                          environment: ["MAILWARD_STORAGE_POSTGRES_URL": "", "MAILWARD_SMS_PROVIDER": "outbox"])
        #expect(check.status == 0, "\(check.stderr)")
        #expect(check.stdout.contains("configuration file: \(file)"), "\(check.stdout)")
        #expect(check.stdout.contains("warning: the data folder \(folder) is not set up yet: `serve` sets it up on first start"))
        #expect(check.stdout.hasSuffix("configuration OK, 1 warning\n"), "\(check.stdout)")
        // Nothing made in the folder: no database, no key, no certificate.
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder) == ["mailward.yaml"])
    }

    /// On a set-up folder the check writes nothing either: a host name the self-signed certificate
    /// does not name is a warning, and the running server's pair stays as it is.
    @Test func theCheckLeavesTheServersCertificateAlone() async throws {
        let data = try temporaryFolder()
        #expect(try await runMailward(["domain", "add", "example.edu.cn", "--data", data]).status == 0)
        let first = try await Self.checkOnTheEmbeddedStore(data)
        #expect(first.status == 0, "\(first.stderr)")
        #expect(!FileManager.default.fileExists(atPath: data + "/tls-selfsigned.crt"), "made by serve, not by the check")
        // The pair `serve` made for the default host name.
        let certificate = try SelfSignedCertificate.ensure(in: data, hostname: "localhost").certificatePath
        let before = try Data(contentsOf: URL(fileURLWithPath: certificate))
        let check = try await runMailward(["config", "check", "--data", data], environment: [
            "MAILWARD_STORAGE_POSTGRES_URL": "", "MAILWARD_SMS_PROVIDER": "outbox", "MAILWARD_HOSTNAME": "planned.example.edu.cn"])
        #expect(check.status == 0, "\(check.stderr)")
        #expect(check.stdout.contains("warning: the self-signed certificate in the data folder does not name planned.example.edu.cn"), "\(check.stdout)")
        #expect(try Data(contentsOf: URL(fileURLWithPath: certificate)) == before)
    }

    /// A store an older version made (a new binary checked before the upgrade, the old server
    /// still running) is read, not upgraded: what `serve` will change is named, nothing is changed.
    @Test func anOlderStoreIsNamedAndLeftAsItIs() async throws {
        let data = try temporaryFolder()
        #expect(try await runMailward(["domain", "add", "example.edu.cn", "--data", data]).status == 0)
        let last = try #require(SQLiteStore.knownMigrations.last)
        do {
            let store = try SQLiteStore(path: data + "/mailward.sqlite")
            try await store.pool.write { db in
                try db.execute(sql: "DELETE FROM grdb_migrations WHERE identifier = ?", arguments: [last])
            }
        }
        let check = try await Self.checkOnTheEmbeddedStore(data)
        #expect(check.status == 0, "\(check.stderr)")
        #expect(check.stdout.contains("warning: the store's schema lacks 1 change of this version (\(last)): "
                                      + "`serve` applies it at its start — stop the running server first\n"), "\(check.stdout)")
        #expect(check.stdout.contains("warning: mail to postmaster@example.edu.cn is refused"), "the store was still read")
        #expect(try SQLiteStore(path: data + "/mailward.sqlite", checkOnly: true).migrationsPendingAtOpen == [last],
                "the check applied nothing")
    }

    /// `config check` of `data` on its SQLite store and the outbox, whatever the test run's
    /// environment says (a PostgreSQL run sets `MAILWARD_STORAGE_POSTGRES_URL`).
    static func checkOnTheEmbeddedStore(_ data: String) async throws -> CommandResult {
        try await runMailward(["config", "check", "--data", data],
                              environment: ["MAILWARD_STORAGE_POSTGRES_URL": "", "MAILWARD_SMS_PROVIDER": "outbox"])
    }

    @Test(arguments: [
        (["MAILWARD_SMS_PROVIDER": "aliyun"], "cannot use the SMS provider"),
        (["MAILWARD_TLS_CERTIFICATE": "/nonexistent/cert.pem", "MAILWARD_TLS_KEY": "/nonexistent/key.pem"],
         "cannot read the TLS certificate /nonexistent/cert.pem"),
        (["MAILWARD_IMAP_PORT": "70000"], "imap.port"),
        (["MAILWARD_SMTP_PORT": "26051", "MAILWARD_IMAP_PORT": "26051"], "`imap.port`: port 26051 is smtp.port's too"),
    ])
    func whatWouldStopTheServerFailsTheCheck(environment: [String: String], message: String) async throws {
        let data = try temporaryFolder()
        let check = try await runMailward(["config", "check", "--data", data], environment: environment)
        #expect(check.status == 1)
        #expect(check.stderr.contains(message), "\(check.stderr)")
        #expect(!check.stdout.contains("configuration OK"))
    }

    /// The smarthost is named with its TLS and login user; its password is not printed.
    @Test func theRelayIsSummedUpWithoutItsPassword() async throws {
        let data = try temporaryFolder()
        let check = try await runMailward(["config", "check", "--data", data], environment: [
            "MAILWARD_STORAGE_POSTGRES_URL": "", "MAILWARD_SMS_PROVIDER": "outbox",
            "MAILWARD_DELIVERY_RELAY_HOST": "smtp.provider.example:465", "MAILWARD_DELIVERY_RELAY_TLS": "implicit",
            "MAILWARD_DELIVERY_RELAY_USERNAME": "relay@school.example", "MAILWARD_DELIVERY_RELAY_PASSWORD": "Kept-Out-Of-Sight-1",
        ])
        #expect(check.status == 0, "\(check.stderr)")
        #expect(check.stdout.contains("outbound: smarthost smtp.provider.example:465, TLS implicit, login relay@school.example\n"),
                "\(check.stdout)")
        #expect(!check.stdout.contains("Kept-Out-Of-Sight-1") && !check.stderr.contains("Kept-Out-Of-Sight-1"))
        let refused = try await runMailward(["config", "check", "--data", data], environment: [
            "MAILWARD_DELIVERY_RELAY_HOST": "smtp.provider.example:587",
            "MAILWARD_DELIVERY_RELAY_USERNAME": "relay@school.example", "MAILWARD_DELIVERY_RELAY_PASSWORD": "Kept-Out-Of-Sight-1",
        ])
        #expect(refused.status == 1)
        #expect(refused.stderr.contains("delivery.relay-tls"), "\(refused.stderr)")
        #expect(!refused.stderr.contains("Kept-Out-Of-Sight-1"))
    }

    @Test func aPostgreSQLPasswordIsNotPrinted() {
        var storage = MailwardConfiguration().storage
        storage.postgresURL = "postgres://mailward:s3cret@db.example:5432/mail?sslmode=require"
        #expect(storage.printablePostgresURL == "postgres://mailward@db.example:5432/mail?sslmode=require")
        storage.postgresURL = "postgres://mailward@127.0.0.1/mail"
        #expect(storage.printablePostgresURL == "postgres://mailward@127.0.0.1/mail")
    }
}
