public import ScrapeCore
import ScrapeBase

/// Counts of a finished (or interrupted) run, for the end-of-run summary.
public struct RunSummary: Sendable {
    /// Records written this run.
    public var records = 0
    /// Input URLs skipped because an earlier run recorded them (`--resume`).
    public var skipped = 0
    /// Records by status class: `2xx`, `3xx`, `4xx`, `5xx`.
    public var statusClasses: [String: Int] = [:]
    /// Records by `error.kind`.
    public var errorKinds: [ErrorKind: Int] = [:]
    /// Records of transient failures (``RetryableFailures/default``), which
    /// `--resume --retry-failed` fetches again.
    public var transientFailures = 0
    /// Body bytes received.
    public var bytes = 0
    /// Attempts that were retried (each retry counts once).
    public var retries = 0
    /// Wall time of the run.
    public var elapsed: Duration = .zero
    /// Whether the output is a file that `--resume` can read back (not stdout); the advice
    /// at the end says what works.
    public var resumable = true
    /// Whether a signal or cancellation stopped the run early.
    public var interrupted = false
    /// URLs in flight or queued when interrupted, with no record written.
    public var notRecorded = 0
    /// Bytes of a partial last line that `--resume` cut off the output.
    public var repairedBytes = 0
    /// Records of transient failures taken out of the output by `--retry-failed`.
    public var retriedFailures = 0
    /// Records in the output of URLs this input does not have (`--resume` on another
    /// list's output); kept, and counted only when the whole input was read.
    public var unmatchedRecords = 0
    /// Each host's adaptive concurrency limit at the end (`per_host_concurrency: auto`),
    /// for hosts whose limit changed: at most ``maxHostLimits`` of them, the first seen.
    public var hostLimits: [String: Int] = [:]
    /// Per proxy of the pool, by label (never credentials): requests carried, failures, bans (`ProxyRotator`).
    public var proxies: [ProxyRotator.Count] = []
    /// Enough for any one site's crawl; a list of millions of hosts keeps the first ones.
    public static let maxHostLimits = 1000

    /// Logins done (`login:`), the first included; 0 without one.
    public var logins = 0

    /// With `--since`: what the comparison with the earlier output found; nil otherwise.
    public var since: Since?

    /// What a `--since` run found, counted over the records written.
    public struct Since: Sendable, Equatable {
        /// The earlier output, as given.
        public var path: String
        /// Records of a 304 (`not_modified: true`).
        public var notModified = 0
        /// Records with `changed: true` (a different hash, or a URL the earlier output lacks).
        public var changed = 0
        /// Records fetched whole whose hash equals the earlier record's.
        public var unchanged = 0

        public init(path: String) {
            self.path = path
        }

        /// Counts one record's verdict.
        mutating func add(_ revisit: ScrapeRecord.Revisit) {
            if revisit.notModified { notModified += 1 }
            if revisit.changed { changed += 1 } else if !revisit.notModified { unchanged += 1 }
        }
    }

    public init() {}

    /// Notes a scheduler event that the summary reports: an adaptive limit's change.
    public mutating func note(_ event: Scheduler<ContinuousClock>.Event) {
        guard case .concurrencyLimit(let host, let limit) = event else { return }
        if hostLimits[host] != nil || hostLimits.count < Self.maxHostLimits { hostLimits[host] = limit }
    }


    /// Counts a written record's `--since` verdict (``since``).
    private mutating func addRevisit(of record: ScrapeRecord) {
        if let revisit = record.revisit { since?.add(revisit) }
    }

    /// Counts one written record (`scrape run`'s and `scrape crawl`'s).
    public mutating func add(_ record: ScrapeRecord) {
        addRevisit(of: record)
        records += 1
        bytes += record.bytes ?? 0
        if let status = record.status { statusClasses["\(status / 100)xx", default: 0] += 1 }
        if let error = record.error {
            errorKinds[error.kind, default: 0] += 1
            if RetryableFailures.default.matches(kind: error.kind, status: record.status) { transientFailures += 1 }
        }
    }

    /// Records with an error of any kind.
    public var errors: Int { errorKinds.values.reduce(0, +) }

    /// Records per second of wall time.
    public var recordsPerSecond: Double {
        let seconds = elapsed.inSeconds
        return seconds > 0 ? Double(records) / seconds : 0
    }


    /// `value` with `digits` decimals, without Foundation.
    public static func format(_ value: Double, digits: Int) -> String {
        var scale = 1.0
        for _ in 0..<digits { scale *= 10 }
        let scaled = Int((value * scale).rounded())
        let whole = scaled / Int(scale)
        let fraction = String(scaled % Int(scale))
        return digits == 0 ? "\(whole)" : "\(whole).\(String(repeating: "0", count: digits - fraction.count))\(fraction)"
    }

    public static func formatBytes(_ bytes: Int) -> String {
        if bytes >= 1 << 20 { return "\(format(Double(bytes) / Double(1 << 20), digits: 1)) MiB" }
        if bytes >= 1 << 10 { return "\(format(Double(bytes) / Double(1 << 10), digits: 1)) KiB" }
        return "\(bytes) B"
    }
}
