
/// What the daemon remembers across restarts, kept in `state_dir/state.json`.
///
/// Jobs' last runs (for `/jobs` and to schedule the next run after a restart) and runs
/// that started but did not finish, which the next start resumes. Inbox progress is not
/// here: a claimed inbox file sits in `inbox/claimed/` until it is done, and its output
/// is the record of which URLs are finished, so the two cannot disagree.
struct DaemonState: Codable, Sendable, Equatable {
    /// One job's history.
    struct Job: Codable, Sendable, Equatable {
        /// Runs started, ever; the next run's id is `NAME-(runs+1)`.
        var runs = 0
        /// Due runs skipped because the previous one was still going.
        var skipped = 0
        var lastRun: Run?
        /// Unix seconds of the last run that completed without failing.
        var lastSuccess: Double?
        /// A run that started and has not finished: resumed on the next start.
        var unfinished: Unfinished?
        /// A `crawl:` job's: where the records of the crawl its state holds begin in the
        /// output (a run that continues that crawl reads them back from there).
        var crawlOffset: Int64?
    }

    /// A run as `/jobs` and `/runs/{id}` show it.
    struct Run: Codable, Sendable, Equatable {
        var id: String
        var started: Double
        var finished: Double?
        var outcome: RunState
        var records = 0
        var errors = 0
        var skipped = 0
        var message: String?
    }

    /// Where an unfinished run's records begin in its output.
    struct Unfinished: Codable, Sendable, Equatable {
        var id: String
        var outputOffset: Int64
    }

    var version = 1
    var jobs: [String: Job] = [:]
}
