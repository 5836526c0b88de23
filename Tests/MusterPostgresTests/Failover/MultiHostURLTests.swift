import Logging
import MusterPostgres
import Testing

/// Multi-host URLs as libpq takes them and `pg_autoctl show uri` prints them.
@Suite struct MultiHostURLTests {
    @Test func aHostListIsParsedInOrderWithDefaultPorts() throws {
        let url = try PostgresDatabaseURL(
            "postgres://app:p%40ss@10.0.0.1:5433,db-2,[fd00::3]:6000/muster?target_session_attrs=read-write&sslmode=require")
        #expect(url.endpoints == [
            .init(host: "10.0.0.1", port: 5433), .init(host: "db-2", port: 5432), .init(host: "fd00::3", port: 6000),
        ])
        #expect(url.username == "app" && url.password == "p@ss" && url.database == "muster" && url.sslMode == .require)
        #expect(url.redacted == "postgres://app@10.0.0.1:5433,db-2:5432,[fd00::3]:6000/muster?sslmode=require")
        #expect(!url.redacted.contains("p@ss"))
    }

    @Test func theTextRoundTripsWithEveryHost() throws {
        let url = try PostgresDatabaseURL("postgres://muster:pw@127.0.0.1:1001,127.0.0.1:1002/muster?target_session_attrs=read-write")
        let again = try PostgresDatabaseURL(url.text)
        #expect(again == url)
        #expect(url.text.contains("@127.0.0.1:1001,127.0.0.1:1002/muster?"))
        #expect(url.sslMode == .disable)
    }

    @Test func aSessionAttributeThatCannotWriteIsRefused() throws {
        for attributes in ["read-only", "standby", "prefer-standby"] {
            #expect(throws: PostgresStoreError.self, "\(attributes)") {
                try PostgresDatabaseURL("postgres://u@h1,h2/m?target_session_attrs=\(attributes)")
            }
        }
        for bad in ["postgres://u@h1,,h2/m", "postgres://u@h1:x,h2/m", "postgres://u@h1,h2:70000/m", "postgres://u@[::1,h2/m"] {
            #expect(throws: PostgresStoreError.self, "\(bad)") { try PostgresDatabaseURL(bad) }
        }
    }

    @Test func aListWithoutAHostThatAcceptsWritesIsAClearErrorAtOpen() async throws {
        let url = try PostgresDatabaseURL("postgres://muster:s3cret@127.0.0.1:1,127.0.0.1:2/muster")
        do {
            let store = try await PostgresStore.open(url, timeout: .seconds(2), logger: .init(label: "test"))
            store.close()
            Issue.record("opened a database on ports 1 and 2")
        } catch let error as PostgresStoreError {
            #expect("\(error)".contains("no host accepts writes"))
            #expect("\(error)".contains("127.0.0.1:1,127.0.0.1:2"))
            #expect(!"\(error)".contains("s3cret"))
        }
    }
}
