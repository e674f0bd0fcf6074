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
    public var errorKinds: [String: Int] = [:]
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

    public init() {}

    /// Counts one written record.
    mutating func add(_ record: ScrapeRecord) {
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

    /// The multi-line summary printed on stderr at the end.
    public var report: String {
        func list(_ counts: [String: Int]) -> String {
            counts.isEmpty ? "none" : counts.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", ")
        }
        let seconds = elapsed.inSeconds
        var lines = [
            "scrape: \(records) records in \(Self.format(seconds, digits: 2)) s (\(Self.format(recordsPerSecond, digits: 1)) records/s), \(Self.formatBytes(bytes))",
            "  status: \(list(statusClasses))",
            "  errors: \(list(errorKinds))",
            "  retries: \(retries), circuit open: \(errorKinds["circuit_open"] ?? 0), robots disallowed: \(errorKinds["robots_disallowed"] ?? 0)",
        ]
        if repairedBytes > 0 { lines.append("  repaired: dropped a partial last line of \(repairedBytes) bytes") }
        if retriedFailures > 0 { lines.append("  retry-failed: \(retriedFailures) records of transient failures were taken out and fetched again") }
        if skipped > 0 { lines.append("  resumed: \(skipped) URLs already recorded were skipped") }
        if unmatchedRecords > 0 {
            lines.append("  warning: \(unmatchedRecords) records in the output are of URLs not in this input; they were kept")
        }
        if transientFailures > 0 {
            lines.append(
                resumable
                    ? "  transient failures: \(transientFailures); to fetch them again later, run the same command with --resume --retry-failed"
                    : "  transient failures: \(transientFailures); with -o FILE instead of stdout, a later --resume --retry-failed fetches them again")
        }
        if interrupted {
            let advice = resumable
                ? "run the same command with --resume to finish"
                : "records went to stdout, which cannot be resumed: run again with -o FILE, then --resume finishes an interrupted run"
            lines.append("  interrupted: \(notRecorded) URLs in flight or queued were not recorded, and the rest of the input was not read; \(advice)")
        }
        return lines.joined(separator: "\n") + "\n"
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

    static func formatBytes(_ bytes: Int) -> String {
        if bytes >= 1 << 20 { return "\(format(Double(bytes) / Double(1 << 20), digits: 1)) MiB" }
        if bytes >= 1 << 10 { return "\(format(Double(bytes) / Double(1 << 10), digits: 1)) KiB" }
        return "\(bytes) B"
    }
}
