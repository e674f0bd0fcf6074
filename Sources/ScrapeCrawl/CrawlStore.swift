import Glibc

/// The crawl's state in one SQLite file (WAL mode): every distinct URL found, with its
/// state, depth, referrer and seed, so neither the seen set nor the queue is held in RAM.
///
/// Schema (version 1):
/// ```sql
/// meta(key TEXT PRIMARY KEY, value TEXT)       -- version and the settings' fingerprint
/// urls(id INTEGER PRIMARY KEY,                 -- discovery order
///      url TEXT UNIQUE,                        -- the key: href without its fragment
///      state INTEGER,                          -- URLState
///      depth INTEGER, referrer TEXT, seed INTEGER,
///      is_seed INTEGER, found INTEGER)         -- a seed; found as a link at least once
/// INDEX queue ON urls(depth, id) WHERE state = 0
/// ```
/// The queue is read in batches in "lowest depth first, then discovery order"; the
/// unrecorded URLs' counts by depth are the only thing kept in memory (for the depth
/// barrier, ``CrawlState``). Not thread-safe: ``CrawlState`` serializes every call.
final class CrawlStore {
    /// A URL's state; the skipped ones say why (the summary's `links:` outcomes).
    enum URLState: Int {
        case queued = 0, inFlight = 1, recorded = 2
        case offsite = 10, depth = 11, denied = 12, notHTTP = 13, maxPages = 14
    }

    private static let version = "1"
    private let database: SQLiteDatabase
    /// The state file, open and `flock`ed while the crawl runs: one crawl per state; -1
    /// once closed.
    private var lock: Int32
    private let find: SQLiteDatabase.Statement
    private let insert: SQLiteDatabase.Statement
    private let markFound: SQLiteDatabase.Statement
    private let moveUp: SQLiteDatabase.Statement
    private let setState: SQLiteDatabase.Statement
    private let queue: SQLiteDatabase.Statement
    /// Queued and in-flight URLs by depth (index), for the barrier and the end.
    private(set) var unrecorded: [Int] = []
    /// URLs queued, in flight or recorded: what `--max-pages` counts.
    private(set) var admitted = 0

    /// Opens the state at `path`, checking it belongs to a crawl with `fingerprint`.
    ///
    /// - Parameter fresh: start afresh (not `--resume`): a state of the same crawl is
    ///   emptied; one of another crawl is refused all the same.
    /// - Throws: ``CrawlSettingsError`` for a file that is not a crawl state or is
    ///   another crawl's; ``SQLiteError`` when SQLite fails.
    init(path: String, fingerprint: [(name: String, value: String)], fresh: Bool) throws(CrawlStateFailure) {
        let lock = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard lock >= 0, flock(lock, LOCK_EX | LOCK_NB) == 0 else {
            if lock >= 0 { Glibc.close(lock) }
            throw .foreign("\(path) is in use by another crawl (or cannot be opened): wait for it, or give another --state")
        }
        self.lock = lock
        do {
            database = try SQLiteDatabase(path: path)
            try database.execute("PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA cache_size=-8000")
            try Self.check(database, fingerprint: fingerprint, path: path)
            if fresh {
                try database.execute("DROP TABLE IF EXISTS urls; DROP TABLE IF EXISTS meta")
            }
            try database.execute("""
                CREATE TABLE IF NOT EXISTS meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);
                CREATE TABLE IF NOT EXISTS urls(
                    id INTEGER PRIMARY KEY, url TEXT NOT NULL UNIQUE, state INTEGER NOT NULL, depth INTEGER NOT NULL,
                    referrer TEXT, seed INTEGER NOT NULL, is_seed INTEGER NOT NULL, found INTEGER NOT NULL);
                CREATE INDEX IF NOT EXISTS queue ON urls(depth, id) WHERE state = 0;
                """)
            let setMeta = try database.prepare("INSERT OR REPLACE INTO meta(key, value) VALUES (?1, ?2)")
            try database.transaction { () throws(SQLiteError) in
                try setMeta.run([.text("version"), .text(Self.version)])
                for (name, value) in fingerprint { try setMeta.run([.text(name), .text(value)]) }
            }
            find = try database.prepare("SELECT id, state, depth, found FROM urls WHERE url = ?1")
            insert = try database.prepare(
                "INSERT INTO urls(url, state, depth, referrer, seed, is_seed, found) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)")
            markFound = try database.prepare("UPDATE urls SET found = 1 WHERE id = ?1")
            moveUp = try database.prepare("UPDATE urls SET state = ?2, depth = ?3, referrer = ?4, seed = ?5 WHERE id = ?1")
            setState = try database.prepare("UPDATE urls SET state = ?2 WHERE id = ?1")
            queue = try database.prepare(
                "SELECT id, url, depth, referrer, seed FROM urls WHERE state = 0 AND depth <= ?1 ORDER BY depth, id LIMIT ?2")
            try database.execute("UPDATE urls SET state = 0 WHERE state = 1")
            try loadCounts()
        } catch let error as SQLiteError {
            throw .sqlite(error)
        } catch let error as CrawlStateFailure {
            throw error
        } catch {
            throw .sqlite(SQLiteError(path: path, message: "\(error)"))
        }
    }

    /// Refuses a file that is not a crawl state, or one whose settings differ, changing
    /// nothing (the crawl checks before it opens its output).
    static func check(path: String, fingerprint: [(name: String, value: String)]) throws(CrawlStateFailure) {
        let database: SQLiteDatabase
        do {
            database = try SQLiteDatabase(path: path)
        } catch {
            throw .foreign("\(path) is not a scrape crawl state (\(error.message)): give another --state, or remove it")
        }
        defer { database.close() }
        try check(database, fingerprint: fingerprint, path: path)
    }

    /// Refuses a file that is not a crawl state, or one whose settings differ.
    private static func check(_ database: SQLiteDatabase, fingerprint: [(name: String, value: String)], path: String) throws(CrawlStateFailure) {
        let tables: SQLiteDatabase.Statement
        do {
            tables = try database.prepare("SELECT name FROM sqlite_master WHERE type = 'table'")
        } catch {
            throw .foreign("\(path) is not a scrape crawl state (\(error.message)): give another --state, or remove it")
        }
        var names: Set<String> = []
        do {
            try tables.bind([])
            while try tables.step() { names.insert(tables.text(at: 0) ?? "") }
        } catch {
            throw .foreign("\(path) is not a scrape crawl state (\(error.message)): give another --state, or remove it")
        }
        guard !names.isEmpty else { return }  // a new, empty database
        guard names == ["meta", "urls"] || names == ["meta"] else {
            throw .foreign("\(path) is not a scrape crawl state: give another --state, or remove it")
        }
        var stored: [String: String] = [:]
        do {
            let meta = try database.prepare("SELECT key, value FROM meta")
            try meta.bind([])
            while try meta.step() { stored[meta.text(at: 0) ?? ""] = meta.text(at: 1) ?? "" }
        } catch {
            throw .sqlite(error)
        }
        guard stored["version"] == version else {
            throw .foreign("\(path) is not a scrape crawl state of this version: give another --state, or remove it")
        }
        let changed = fingerprint.filter { stored[$0.name] != $0.value }
        guard changed.isEmpty else {
            let list = changed.map { "\($0.name) (was \(Self.quote(stored[$0.name] ?? "unset")), now \(Self.quote($0.value)))" }
            throw .foreign(
                "\(path) is the state of another crawl: its settings differ: \(list.joined(separator: "; ")); "
                    + "give another --state (or -o), or remove it to start afresh")
        }
    }

    private static func quote(_ value: String) -> String {
        value.isEmpty ? "none" : "\"" + value.replacing("\n", with: "\", \"") + "\""
    }

    private func loadCounts() throws(SQLiteError) {
        let counts = try database.prepare("SELECT depth, count(*) FROM urls WHERE state IN (0, 1) GROUP BY depth")
        try counts.bind([])
        while try counts.step() {
            let depth = counts.integer(at: 0)
            if unrecorded.count <= depth { unrecorded += Array(repeating: 0, count: depth + 1 - unrecorded.count) }
            unrecorded[depth] = counts.integer(at: 1)
        }
        let total = try database.prepare("SELECT count(*) FROM urls WHERE state IN (0, 1, 2)")
        try total.bind([])
        admitted = try total.step() ? total.integer(at: 0) : 0
        total.reset()
    }

    /// Runs `body` in one transaction.
    func transaction<Result>(_ body: () throws(SQLiteError) -> Result) throws(SQLiteError) -> Result {
        try database.transaction(body)
    }

    /// A value of the `meta` table (nil when unset).
    func meta(_ key: String) throws(SQLiteError) -> String? {
        let read = try database.prepare("SELECT value FROM meta WHERE key = ?1")
        try read.bind([.text(key)])
        defer { read.reset() }
        return try read.step() ? read.text(at: 0) : nil
    }

    /// Sets a value of the `meta` table.
    func setMeta(_ key: String, _ value: String) throws(SQLiteError) {
        try database.prepare("INSERT OR REPLACE INTO meta(key, value) VALUES (?1, ?2)").run([.text(key), .text(value)])
    }

    /// What is known of `url`: its row id, state, depth and whether it was found as a link.
    func lookup(_ url: String) throws(SQLiteError) -> (id: Int, state: URLState, depth: Int, found: Bool)? {
        try find.bind([.text(url)])
        defer { find.reset() }
        guard try find.step() else { return nil }
        return (find.integer(at: 0), URLState(rawValue: find.integer(at: 1)) ?? .recorded, find.integer(at: 2), find.integer(at: 3) != 0)
    }

    /// Adds a URL not seen before.
    func add(_ url: String, state: URLState, depth: Int, referrer: String?, seed: Int, isSeed: Bool, found: Bool) throws(SQLiteError) {
        try insert.run([
            .text(url), .integer(state.rawValue), .integer(depth), referrer.map(SQLiteDatabase.Value.text) ?? .null, .integer(seed),
            .integer(isSeed ? 1 : 0), .integer(found ? 1 : 0),
        ])
        if state == .queued { countQueued(at: depth) }
    }

    /// Marks a known URL as found as a link (for the summary's counts).
    func markFound(id: Int) throws(SQLiteError) {
        try markFound.run([.integer(id)])
    }

    /// Queues a known URL (a skipped one now reachable, or a queued one found closer) at
    /// `depth` through `referrer`.
    func requeue(id: Int, from old: (state: URLState, depth: Int), depth: Int, referrer: String, seed: Int) throws(SQLiteError) {
        try moveUp.run([.integer(id), .integer(URLState.queued.rawValue), .integer(depth), .text(referrer), .integer(seed)])
        if old.state == .queued {
            unrecorded[old.depth] -= 1
            admitted -= 1
        }
        countQueued(at: depth)
    }

    private func countQueued(at depth: Int) {
        if unrecorded.count <= depth { unrecorded += Array(repeating: 0, count: depth + 1 - unrecorded.count) }
        unrecorded[depth] += 1
        admitted += 1
    }

    /// Marks the URL of row `id` (at `depth`) recorded.
    func markRecorded(id: Int, depth: Int) throws(SQLiteError) {
        try setState.run([.integer(id), .integer(URLState.recorded.rawValue)])
        unrecorded[depth] -= 1
    }

    /// Sets a URL's state (resume's reconciling with the output).
    func set(id: Int, state: URLState) throws(SQLiteError) {
        try setState.run([.integer(id), .integer(state.rawValue)])
    }

    /// Up to `limit` queued URLs at depth `maxDepth` or less, lowest depth first, then in
    /// discovery order; marked in flight.
    func take(upTo limit: Int, maxDepth: Int) throws(SQLiteError) -> [QueuedURL] {
        try queue.bind([.integer(maxDepth), .integer(limit)])
        var batch: [QueuedURL] = []
        while try queue.step() {
            batch.append(QueuedURL(
                id: queue.integer(at: 0), url: queue.text(at: 1) ?? "", depth: queue.integer(at: 2), referrer: queue.text(at: 3),
                seed: queue.integer(at: 4)))
        }
        queue.reset()
        guard !batch.isEmpty else { return batch }
        try database.transaction { () throws(SQLiteError) in
            for url in batch { try setState.run([.integer(url.id), .integer(URLState.inFlight.rawValue)]) }
        }
        return batch
    }

    /// Calls `body` with every URL in one of `states`, by id, in batches (so a million
    /// rows are never held at once); `body` may change their states.
    func forEach(in states: [URLState], _ body: (Int, String) throws(SQLiteError) -> Void) throws(SQLiteError) {
        let list = states.map { String($0.rawValue) }.joined(separator: ", ")
        let page = try database.prepare("SELECT id, url FROM urls WHERE state IN (\(list)) AND id > ?1 ORDER BY id LIMIT 1000")
        var after = 0
        while true {
            try page.bind([.integer(after)])
            var rows: [(Int, String)] = []
            while try page.step() { rows.append((page.integer(at: 0), page.text(at: 1) ?? "")) }
            page.reset()
            guard let last = rows.last else { return }
            after = last.0
            try database.transaction { () throws(SQLiteError) in
                for (id, url) in rows { try body(id, url) }
            }
        }
    }

    /// Counts by link outcome, of distinct URLs found as links.
    func linkCounts() throws(SQLiteError) -> LinkCounts {
        let rows = try database.prepare("SELECT state, is_seed, count(*) FROM urls WHERE found = 1 GROUP BY state, is_seed")
        try rows.bind([])
        var counts = LinkCounts()
        while try rows.step() {
            let count = rows.integer(at: 2)
            counts.found += count
            if rows.integer(at: 1) != 0 {
                counts.duplicate += count
                continue
            }
            switch URLState(rawValue: rows.integer(at: 0)) {
            case .queued, .inFlight, .recorded, nil: counts.followed += count
            case .offsite: counts.offsite += count
            case .depth: counts.depth += count
            case .denied: counts.denied += count
            case .notHTTP: counts.notHTTP += count
            case .maxPages: counts.maxPages += count
            }
        }
        return counts
    }

    /// Re-reads the counts after resume's reconciling changed states.
    func recount() throws(SQLiteError) {
        unrecorded = []
        try loadCounts()
    }

    /// Checkpoints the WAL into the database file and gives the lock back; idempotent.
    func close() {
        guard lock >= 0 else { return }
        try? database.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        Glibc.close(lock)
        lock = -1
    }
}

/// A URL taken from the queue.
struct QueuedURL: Sendable {
    let id: Int
    let url: String
    let depth: Int
    let referrer: String?
    let seed: Int
}

/// Why the state cannot be used.
enum CrawlStateFailure: Error {
    /// A file that is not a crawl state, or is another crawl's: exit 2.
    case foreign(String)
    case sqlite(SQLiteError)
}
