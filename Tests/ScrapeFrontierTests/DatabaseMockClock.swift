import Logging
import PostgresNIO
import ScrapeTestSupport
import Testing

@testable import ScrapeFrontier

/// A mock clock for the frontier's functions, so their time rules are tested to the
/// millisecond as `MockClock` tests `scrape run`'s: the database's time stands still at
/// an instant the test sets.
///
/// How: `scrape.claim` and `scrape.finish` read the time only through `clock_timestamp()`
/// (``install(on:)`` checks it), unqualified, so PostgreSQL resolves it through the
/// session's `search_path`. A `scrape_test_clock.clock_timestamp()` that returns the
/// instant stored in `scrape_test_clock.now`, and a database `search_path` that names its
/// schema before `pg_catalog`, make the same functions read the mock clock in every new
/// session on that database; their SQL is not touched. (A function pinned to a
/// `search_path` of its own would read the real clock again: ``install(on:)`` checks that
/// the mock is the one a new session reads.)
struct DatabaseMockClock {
    /// The instant the mock clock starts at: t = 0 in a case.
    static let origin = "2030-01-01 00:00:00+00"

    let store: FrontierStore
    private static let logger = Logger(label: "scrape.frontier.test.clock")

    /// Installs the clock in `harness`'s database and returns a store whose sessions read
    /// it (the harness's own store, opened before, keeps the real clock and is closed).
    static func install(on harness: FrontierHarness) async throws -> DatabaseMockClock {
        let statements = [
            "CREATE SCHEMA scrape_test_clock",
            "CREATE TABLE scrape_test_clock.now (at timestamptz NOT NULL)",
            "INSERT INTO scrape_test_clock.now VALUES ('\(origin)')",
            "CREATE FUNCTION scrape_test_clock.clock_timestamp() RETURNS timestamptz LANGUAGE sql AS 'SELECT at FROM scrape_test_clock.now'",
            """
            DO $$ BEGIN
                EXECUTE format('ALTER DATABASE %I SET search_path = scrape_test_clock, pg_catalog, public', current_database());
            END $$
            """,
        ]
        let otherClocks = try await harness.store.database.run { connection in
            for statement in statements { _ = try await connection.query(PostgresQuery(unsafeSQL: statement), logger: logger) }
            // Every clock the functions could read besides clock_timestamp(): none may appear.
            let rows = try await connection.query(
                """
                SELECT count(*) FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
                WHERE n.nspname = 'scrape' AND p.proname IN ('claim', 'finish')
                  AND (p.prosrc ~* '\\mnow\\s*\\(|current_timestamp|statement_timestamp|transaction_timestamp|localtime|timeofday'
                       OR p.prosrc !~ 'clock_timestamp\\(\\)')
                """, logger: logger)
            for try await count in rows.decode(Int.self) { return count }
            return -1
        }
        #expect(otherClocks == 0, "claim and finish read a clock other than clock_timestamp()")
        await harness.close()
        let clock = DatabaseMockClock(store: try FrontierHarness.store(harness.url))
        let mocked = try await clock.store.database.run { connection in
            for try await same in try await connection.query("SELECT clock_timestamp() = timestamptz '\(unescaped: origin)'", logger: logger)
                .decode(Bool.self)
            {
                return same
            }
            return false
        }
        #expect(mocked, "a new session reads the real clock, not the mock")
        return clock
    }

    /// Sets the database's time to `t` ms after ``origin``.
    func set(_ t: Int) async throws {
        let milliseconds = Double(t)
        try await store.database.run { connection in
            _ = try await connection.query(
                "UPDATE scrape_test_clock.now SET at = timestamptz '\(unescaped: Self.origin)' + \(milliseconds)::float8 * interval '1 millisecond'",
                logger: Self.logger)
        }
    }

    /// `instant` (a timestamptz column or expression) as ms after ``origin``, for a query.
    static func milliseconds(_ instant: String) -> String {
        "round(extract(epoch FROM \(instant) - timestamptz '\(origin)') * 1000)::float8"
    }
}
