import ScrapeBase

/// What the test server saw: every request's path, arrival time and connection.
///
/// Tests assert counts ("exactly 3 attempts"), order and lower bounds on spacing, never
/// upper bounds on time.
public final class RequestLog: Sendable {
    /// One request as the server received it.
    public struct Entry: Sendable {
        /// The path without the query.
        public let path: String
        /// When the handler started, on the continuous clock.
        public let time: ContinuousClock.Instant
        /// The client port, which identifies the TCP connection.
        public let remotePort: Int?
    }

    private let entries = Locked<[Entry]>([])

    public init() {}

    func record(path: String, remotePort: Int?) {
        let entry = Entry(path: path, time: .now, remotePort: remotePort)
        entries.withLock { $0.append(entry) }
    }

    /// Every request so far, in arrival order.
    public var all: [Entry] { entries.withLock { $0 } }

    /// How many requests arrived for `path` (without query).
    public func count(path: String) -> Int {
        entries.withLock { $0.lazy.filter { $0.path == path }.count }
    }

    /// How many requests arrived whose path starts with `prefix`.
    public func count(prefix: String) -> Int {
        entries.withLock { $0.lazy.filter { $0.path.hasPrefix(prefix) }.count }
    }

    /// How many distinct TCP connections requests arrived on.
    public var connectionCount: Int {
        entries.withLock { Set($0.compactMap(\.remotePort)).count }
    }

    /// Forgets everything seen so far.
    public func reset() {
        entries.withLock { $0.removeAll() }
    }
}
