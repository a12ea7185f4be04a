import StorePostgres
import Testing

/// `storage.postgres-url` is checked before any connection is tried: a wrong one stops start-up
/// with a message that says what to write (and never echoes a password).
@Suite struct PostgresURLTests {
    func refusal(_ url: String) async -> String? {
        do {
            _ = try await PostgresStore.open(url: url)
            return nil
        } catch {
            return "\(error)"
        }
    }

    @Test func otherSchemesAndMissingHostsAreRefused() async {
        #expect(await refusal("mysql://mail:secret@db/mail")?.contains("postgres://user:password@host") == true)
        #expect(await refusal("postgres:///mail")?.contains("postgres://user:password@host") == true)
        #expect(await refusal("mysql://mail:s3cr3t-pw@db/mail")?.contains("s3cr3t-pw") == false)
    }

    @Test func unknownSSLModeIsRefused() async {
        #expect(await refusal("postgres://mail@db.example/mail?sslmode=sometimes")?.contains("sslmode") == true)
    }

    /// postgres-nio would retry a refused connection for ever: opening gives up with a clear error.
    @Test func anUnreachableServerIsAClearErrorNotAHang() async {
        do {
            _ = try await PostgresStore.open(url: "postgres://mail:pw@127.0.0.1:1/mail", connectTimeout: .seconds(1))
            Issue.record("opened a store on a closed port")
        } catch {
            #expect("\(error)".contains("no answer from the PostgreSQL server at 127.0.0.1:1"))
            #expect(!"\(error)".contains("pw@"))
        }
    }

    @Test func aSchemaNameCannotCarrySQL() async {
        #expect(await refusal("postgres://mail@127.0.0.1:1/mail?schema=x;DROP%20TABLE%20accounts")?
            .contains("letters, digits and '_'") == true)
    }
}
