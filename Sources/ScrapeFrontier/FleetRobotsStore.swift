import PostgresNIO
import ScrapeBase
import ScrapeCore
public import ScrapePages

/// robots.txt for the whole fleet, in `scrape.robots`: fetched by one worker per origin
/// and kept until its expiry (24 hours, or the answer's `Cache-Control: max-age` when
/// shorter), so a thousand workers send one request for an origin's robots.txt, not a
/// thousand.
///
/// The fetching worker takes the origin's row as a `fetching` placeholder that expires
/// after ``fetchTimeout`` (so a worker killed mid-fetch does not block the origin), fetches
/// without holding a transaction open, and writes the document; the others poll the row
/// until it is one. When the database cannot be reached, the worker fetches for itself
/// (politeness towards the site first; the fleet's sharing is an optimisation).
public struct FleetRobotsStore: RobotsStore {
    let store: FrontierStore
    /// How long a document is kept at most.
    public var maximumAge: Duration = .seconds(24 * 3600)
    /// How long others wait for a fetching worker before taking the fetch over.
    public var fetchTimeout: Duration = .seconds(60)
    /// Pause between looks at a row another worker is fetching.
    var pollInterval: Duration = .milliseconds(200)

    public init(store: FrontierStore) {
        self.store = store
    }

    public func document(
        origin: String, fetch: @Sendable () async -> (document: RobotsDocument, maxAge: Duration?)
    ) async -> (document: RobotsDocument, keepFor: Duration) {
        while !Task.isCancelled {
            let state: RowState
            do {
                state = try await takeOrRead(origin)
            } catch {
                let (document, maxAge) = await fetch()
                return (document, keepFor(maxAge))
            }
            switch state {
            case .ready(let document, let keepFor):
                return (document, keepFor)
            case .fetchingElsewhere:
                try? await Task.sleep(for: pollInterval)
            case .ours:
                let (document, maxAge) = await fetch()
                let keep = keepFor(maxAge)
                if !Task.isCancelled { try? await save(document, origin: origin, keepFor: keep) }
                return (document, keep)
            }
        }
        return (.unavailable(.init(kind: .cancelled, message: "robots.txt of \(origin) not read: the run is stopping")), .zero)
    }

    private func keepFor(_ maxAge: Duration?) -> Duration {
        min(maximumAge, maxAge ?? maximumAge)
    }

    private enum RowState {
        case ready(RobotsDocument, keepFor: Duration)
        case fetchingElsewhere
        case ours
    }

    /// One statement: takes the row as `fetching` when it is missing or expired (then the
    /// fetch is ours), else returns it.
    private func takeOrRead(_ origin: String) async throws(FrontierError) -> RowState {
        let logger = store.logger
        let timeout = fetchTimeout.inSeconds
        return try await store.database.run { connection in
            let rows = try await connection.query(
                """
                WITH taken AS (
                    INSERT INTO scrape.robots (origin, kind, expires_at)
                    VALUES (\(origin), 'fetching', clock_timestamp() + make_interval(secs => \(timeout)))
                    ON CONFLICT (origin) DO UPDATE SET kind = 'fetching', body = NULL, failure_kind = NULL,
                        failure_status = NULL, failure_message = NULL, fetched_at = now(), expires_at = excluded.expires_at
                    WHERE scrape.robots.expires_at <= clock_timestamp()
                    RETURNING 1)
                SELECT (SELECT count(*) FROM taken) > 0, r.kind, r.body, r.failure_kind, r.failure_status, r.failure_message,
                       extract(epoch FROM (r.expires_at - clock_timestamp()))::double precision
                FROM (SELECT 1) AS one LEFT JOIN scrape.robots r ON r.origin = \(origin)
                """, logger: logger)
            for try await (taken, kind, body, failureKind, failureStatus, failureMessage, secondsLeft)
                in rows.decode((Bool, String?, String?, String?, Int?, String?, Double?).self)
            {
                if taken { return RowState.ours }
                let keepFor = Duration.milliseconds(Int64(max(0, (secondsLeft ?? 0) * 1000)))
                switch kind {
                case "text": return .ready(.text(body ?? ""), keepFor: keepFor)
                case "allow": return .ready(.allowAll, keepFor: keepFor)
                case "unavailable":
                    return .ready(.unavailable(.init(kind: failureKind.map(ErrorKind.init(rawValue:)) ?? .transport, status: failureStatus, message: failureMessage ?? "")), keepFor: keepFor)
                default: return .fetchingElsewhere  // "fetching", or the row was taken between the two reads
                }
            }
            return .fetchingElsewhere
        }
    }

    private func save(_ document: RobotsDocument, origin: String, keepFor: Duration) async throws(FrontierError) {
        let logger = store.logger
        let seconds = keepFor.inSeconds
        var kind = "allow", body: String?, failureKind: String?, failureStatus: Int?, failureMessage: String?
        switch document {
        case .text(let text): kind = "text"; body = text
        case .allowAll: kind = "allow"
        case .unavailable(let why):
            kind = "unavailable"; failureKind = why.kind.rawValue; failureStatus = why.status; failureMessage = why.message
        }
        try await store.database.run { [kind, body, failureKind, failureStatus, failureMessage] connection in
            try await connection.query(
                """
                UPDATE scrape.robots SET kind = \(kind), body = \(body), failure_kind = \(failureKind),
                    failure_status = \(failureStatus), failure_message = \(failureMessage), fetched_at = now(),
                    expires_at = clock_timestamp() + make_interval(secs => \(seconds))
                WHERE origin = \(origin)
                """, logger: logger)
        }
    }
}
