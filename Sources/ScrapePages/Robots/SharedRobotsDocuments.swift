import ScrapeCore

/// robots.txt documents kept in memory for every run of the daemon: each run has its own
/// ``RobotsCache`` (its client, its user agent), and behind it this store, so two runs on
/// one origin (two jobs, or one job run after run) fetch its robots.txt once while the
/// document is fresh.
///
/// Documents are keyed by origin and user agent (a site may answer another robots.txt to
/// another crawler), and kept:
/// - a 2xx or a 4xx answer (rules, or "everything allowed"): 24 hours, RFC 9309 §2.4's
///   longest, or less when the answer's `Cache-Control: max-age` says less;
/// - a 429, a 5xx or a failed fetch ("everything disallowed"): ``failureAge`` (10 minutes)
///   at most, so a site that was down for a moment is read again by the next run, as a
///   run on its own would.
/// A fetch cut short because its run is stopping is kept by no one: the runs that waited
/// for it fetch again. At most ``capacity`` documents are kept, the oldest dropped first.
public actor SharedRobotsDocuments {
    private enum Entry {
        case fetching([CheckedContinuation<(RobotsDocument, Duration)?, Never>])
        case ready(RobotsDocument, until: ContinuousClock.Instant)
    }

    /// The longest a document is kept (RFC 9309: 24 hours).
    public static let maximumAge: Duration = .seconds(24 * 3600)
    /// The longest a failed fetch (429, 5xx, unreachable) is kept.
    public static let failureAge: Duration = .seconds(600)

    private let capacity: Int
    private var entries: [Key: Entry] = [:]
    private var order: [Key] = []
    /// Fetches done (for tests).
    private(set) var fetches = 0

    private struct Key: Hashable {
        let origin: String
        let userAgent: String
    }

    public init(capacity: Int = 10_000) {
        self.capacity = max(1, capacity)
    }

    /// The store a run fetching as `userAgent` gives its ``RobotsCache``.
    public nonisolated func store(userAgent: String) -> some RobotsStore {
        View(documents: self, userAgent: userAgent)
    }

    /// The fresh document of `origin` for `userAgent`, fetched by `fetch` when there is none
    /// (by one caller at a time; the others wait for its answer).
    func document(
        origin: String, userAgent: String, fetch: @Sendable () async -> (document: RobotsDocument, maxAge: Duration?)
    ) async -> (document: RobotsDocument, keepFor: Duration) {
        let key = Key(origin: origin, userAgent: userAgent)
        while true {
            switch entries[key] {
            case .ready(let document, let until) where ContinuousClock.now < until:
                return (document, ContinuousClock.now.duration(to: until))
            case .fetching(var waiters):
                let answer = await withCheckedContinuation { continuation in
                    waiters.append(continuation)
                    entries[key] = .fetching(waiters)
                }
                if let answer { return answer }
                if Task.isCancelled { return (Self.stopping(origin), .zero) }
                continue  // its fetcher was stopped: fetch again (maybe this caller)
            case .ready, nil:
                entries[key] = .fetching([])
                fetches += 1
                let (document, maxAge) = await fetch()
                guard case .fetching(let waiters) = entries[key] else { return (document, .zero) }
                if Task.isCancelled || Self.isStopping(document) {
                    entries[key] = nil
                    waiters.forEach { $0.resume(returning: nil) }
                    return (document, .zero)
                }
                let keep = Self.keepFor(document, maxAge: maxAge)
                entries[key] = .ready(document, until: ContinuousClock.now + keep)
                remember(key)
                waiters.forEach { $0.resume(returning: (document, keep)) }
                return (document, keep)
            }
        }
    }

    /// How long `document` is kept: see the type's comment.
    static func keepFor(_ document: RobotsDocument, maxAge: Duration?) -> Duration {
        let longest = if case .unavailable = document { failureAge } else { maximumAge }
        return min(longest, maxAge ?? longest)
    }

    private static func isStopping(_ document: RobotsDocument) -> Bool {
        if case .unavailable(let why) = document, why.kind == .cancelled { return true }
        return false
    }

    private static func stopping(_ origin: String) -> RobotsDocument {
        .unavailable(.init(kind: .cancelled, message: "robots.txt of \(origin) not read: the run is stopping"))
    }

    private func remember(_ key: Key) {
        order.removeAll { $0 == key }
        order.append(key)
        if order.count > capacity {
            let oldest = order.removeFirst()
            entries[oldest] = nil
        }
    }

    /// One user agent's view, as a ``RobotsStore``.
    private struct View: RobotsStore {
        let documents: SharedRobotsDocuments
        let userAgent: String

        func document(
            origin: String, fetch: @Sendable () async -> (document: RobotsDocument, maxAge: Duration?)
        ) async -> (document: RobotsDocument, keepFor: Duration) {
            await documents.document(origin: origin, userAgent: userAgent, fetch: fetch)
        }
    }
}
