import ScrapeBase
import ScrapeCore

/// The crawl's frontier, shared by the scheduler's input reader and its emitter: the
/// state file (``CrawlStore``) behind one lock, and a wake-up for a reader that waits
/// for links.
///
/// **Exactly once.** A URL enters the state once (its key is unique); it is handed to the
/// scheduler once per run (queued → in flight), and marked recorded in the transaction
/// that adds its page's links, committed before its record is written. A crash between
/// the two leaves a URL marked recorded without a record; `--resume` puts it back in the
/// queue (``reconcile(with:)``), so the output gets exactly one record per URL.
///
/// **Depth is exact.** A URL at depth `d` is handed out only when no URL at depth `d - 2`
/// or less is unrecorded. Then every page at depth `d - 2` or less has had its links
/// added, so every URL within `d - 1` links of a seed is already known at its true depth,
/// and a URL still at depth `d` truly is `d` links away: its record's depth is the length
/// of the shortest path, and `--max-depth` cuts exactly there, whatever the order
/// concurrent fetches finish in. (A queued URL found again closer is moved up.) Two depths
/// are in flight at once, so a slow page holds up the crawl only at the next level but one.
final class CrawlState: Sendable {
    private struct Shared {
        let store: CrawlStore
        /// The reader waiting for work, resumed when a record adds links or the crawl ends.
        var waiter: CheckedContinuation<Void, Never>?
        var cancelled = false
    }

    private let shared: Locked<Shared>
    let settings: CrawlSettings
    /// Each seed's scope, by seed index (the `seed` column).
    private let scopes: [SeedScope]

    /// Opens the state file at `path` (see ``CrawlStore/init(path:fingerprint:fresh:)``) and,
    /// when fresh, queues the seeds at depth 0.
    init(path: String, settings: CrawlSettings, fresh: Bool) throws(CrawlStateFailure) {
        let store = try CrawlStore(path: path, fingerprint: settings.fingerprint, fresh: fresh)
        self.settings = settings
        scopes = settings.seeds.map { SeedScope(scope: settings.scope, seed: $0) }
        if fresh {
            do {
                try store.transaction { () throws(SQLiteError) in
                    for (index, seed) in settings.seeds.enumerated() {
                        let full = settings.maxPages.map { store.admitted >= $0 } ?? false
                        try store.add(
                            seed.href, state: full ? .maxPages : .queued, depth: 0, referrer: nil, seed: index, isSeed: true, found: false)
                    }
                }
            } catch {
                throw .sqlite(error)
            }
        }
        shared = Locked(Shared(store: store))
    }

    /// The scope of the seed at `index`.
    func scope(ofSeed index: Int) -> SeedScope {
        scopes[min(max(index, 0), scopes.count - 1)]
    }

    /// After `--resume`: URLs marked recorded whose record the output lacks (a crash
    /// between the state's commit and the output's write) are queued again; URLs whose
    /// record is there but the state has unrecorded (a state older than its output) are
    /// trusted as recorded, as `scrape run --resume` trusts the output.
    ///
    /// - Returns: how many URLs were queued again.
    func reconcile(with index: inout ResumeIndex) throws(SQLiteError) -> Int {
        try shared.withLock { shared throws(SQLiteError) -> Int in
            var requeued = 0
            try shared.store.forEach(in: [.recorded]) { id, url throws(SQLiteError) in
                if !index.consume(url) {
                    try shared.store.set(id: id, state: .queued)
                    requeued += 1
                }
            }
            try shared.store.forEach(in: [.queued, .inFlight]) { id, url throws(SQLiteError) in
                if index.consume(url) { try shared.store.set(id: id, state: .recorded) }
            }
            try shared.store.recount()
            return requeued
        }
    }

    /// The next batch of queued URLs the depth barrier lets out, marked in flight; waits
    /// while none is let out and pages are still in flight (their links may add some).
    ///
    /// - Returns: nil when nothing is queued or in flight (the crawl is done), or when the
    ///   task is cancelled.
    func nextBatch(limit: Int = 256) async throws -> [QueuedURL]? {
        while true {
            let taken = try shared.withLock { shared throws -> [QueuedURL]? in
                if shared.cancelled { return nil }
                guard let lowest = shared.store.unrecorded.firstIndex(where: { $0 > 0 }) else { return nil }
                return try shared.store.take(upTo: limit, maxDepth: lowest + 1)
            }
            guard let taken else { return nil }
            if !taken.isEmpty { return taken }
            await withTaskCancellationHandler {
                await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                    shared.withLock { shared in
                        if shared.cancelled || Task.isCancelled {
                            continuation.resume()
                        } else {
                            shared.waiter = continuation
                        }
                    }
                }
            } onCancel: {
                shared.withLock { shared in
                    shared.cancelled = true
                    shared.waiter?.resume()
                    shared.waiter = nil
                }
            }
        }
    }

    /// Marks `page` recorded and adds the links found on it, in one transaction, then
    /// wakes a waiting reader.
    ///
    /// - Returns: what the page's links changed, as the summary's `links:` counts: each
    ///   URL found for the first time under the outcome it got, and a URL skipped for depth
    ///   or scope that this page brings in under `followed` (the daemon's counters).
    @discardableResult
    func record(_ page: QueuedURL, links: FoundLinks?) throws(SQLiteError) -> LinkCounts {
        let maxDepth = settings.maxDepth
        let maxPages = settings.maxPages
        return try shared.withLock { shared throws(SQLiteError) -> LinkCounts in
            let store = shared.store
            var tally = LinkCounts()
            try store.transaction { () throws(SQLiteError) in
                try store.markRecorded(id: page.id, depth: page.depth)
                guard let links else { return }
                for (url, reason) in links.skipped {
                    if let known = try store.lookup(url) {
                        if !known.found {
                            try store.markFound(id: known.id)
                            tally.countFirstFinding(of: .recorded, isSeed: true)
                        }
                    } else {
                        try store.add(url, state: reason, depth: page.depth + 1, referrer: page.url, seed: page.seed, isSeed: false, found: true)
                        tally.countFirstFinding(of: reason, isSeed: false)
                    }
                }
                let depth = page.depth + 1
                let withinDepth = maxDepth.map { depth <= $0 } ?? true
                for link in links.followable {
                    let full = maxPages.map { store.admitted >= $0 } ?? false
                    guard let known = try store.lookup(link.href) else {
                        let state: CrawlStore.URLState = !withinDepth ? .depth : full ? .maxPages : .queued
                        try store.add(link.href, state: state, depth: depth, referrer: page.url, seed: page.seed, isSeed: false, found: true)
                        tally.countFirstFinding(of: state, isSeed: false)
                        continue
                    }
                    if !known.found {
                        // Only seeds (and sitemap finds) are added unfound: a seed found as a link.
                        try store.markFound(id: known.id)
                        tally.countFirstFinding(of: known.state, isSeed: true)
                    }
                    switch known.state {
                    case .queued where depth < known.depth:
                        try store.requeue(id: known.id, from: (known.state, known.depth), depth: depth, referrer: page.url, seed: page.seed)
                    case .depth where withinDepth && !full, .offsite where withinDepth && !full:
                        try store.requeue(id: known.id, from: (known.state, known.depth), depth: depth, referrer: page.url, seed: page.seed)
                        tally.followed += 1
                    default:
                        break
                    }
                }
            }
            shared.waiter?.resume()
            shared.waiter = nil
            return tally
        }
    }

    /// Whether `--sitemaps` still has to read the sitemaps (a fresh crawl, or one stopped
    /// before their finds were added).
    var sitemapsPending: Bool {
        guard settings.sitemaps else { return false }
        let read = try? shared.withLock { shared throws(SQLiteError) in try shared.store.meta("sitemaps_read") }
        return read == nil
    }

    /// Adds what the sitemaps listed as seeds at depth 0 (their referrer the sitemap file),
    /// each URL once, `--max-pages` applied; then notes that the sitemaps were read.
    ///
    /// - Returns: how many URLs were queued.
    func addSitemapFinds(_ finds: [SitemapReader.Find]) throws(SQLiteError) -> Int {
        let maxPages = settings.maxPages
        return try shared.withLock { shared throws(SQLiteError) -> Int in
            let store = shared.store
            return try store.transaction { () throws(SQLiteError) -> Int in
                var queued = 0
                for find in finds where try store.lookup(find.url.href) == nil {
                    let full = maxPages.map { store.admitted >= $0 } ?? false
                    try store.add(find.url.href, state: full ? .maxPages : .queued, depth: 0, referrer: find.sitemap, seed: find.seed, isSeed: true, found: false)
                    if !full { queued += 1 }
                }
                try store.setMeta("sitemaps_read", "1")
                return queued
            }
        }
    }

    /// URLs queued or in flight.
    var unrecordedCount: Int {
        shared.withLock { $0.store.unrecorded.reduce(0, +) }
    }

    /// The summary's `links:` counts.
    func linkCounts() throws(SQLiteError) -> LinkCounts {
        try shared.withLock { shared throws(SQLiteError) in try shared.store.linkCounts() }
    }

    /// Checkpoints the state file.
    func close() {
        shared.withLock { $0.store.close() }
    }
}

/// The links of one page, sorted by the rules that need no state (``LinkFilter``).
struct FoundLinks: Sendable {
    /// In scope, allowed: queued unless depth or `--max-pages` stop them, or known.
    var followable: [CrawlURL] = []
    /// Keys of links skipped whatever the state holds, and why (`offsite`, `denied`,
    /// `not_http`).
    var skipped: [(String, CrawlStore.URLState)] = []
}

extension LinkCounts {
    /// Counts a URL found as a link for the first time, under the outcome ``CrawlStore/linkCounts()`` gives it.
    fileprivate mutating func countFirstFinding(of state: CrawlStore.URLState, isSeed: Bool) {
        found += 1
        if isSeed {
            duplicate += 1
            return
        }
        switch state {
        case .queued, .inFlight, .recorded: followed += 1
        case .offsite: offsite += 1
        case .depth: depth += 1
        case .denied: denied += 1
        case .notHTTP: notHTTP += 1
        case .maxPages: maxPages += 1
        }
    }
}
