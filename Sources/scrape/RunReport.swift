import ScrapeBase
import ScrapeCore
import ScrapePages

/// The summary `scrape run` prints on stderr: counts, then what to do next. The advice
/// names this command's flags, so it lives with the command, not in the records or the
/// library the daemon shares.
extension RunSummary {
    /// The multi-line summary printed on stderr at the end.
    var report: String {
        func list<Key: CustomStringConvertible>(_ counts: [Key: Int]) -> String {
            counts.isEmpty ? "none" : counts.sorted { $0.key.description < $1.key.description }.map { "\($0.key) \($0.value)" }.joined(separator: ", ")
        }
        let seconds = elapsed.inSeconds
        var lines = [
            "scrape: \(records) records in \(Self.format(seconds, digits: 2)) s (\(Self.format(recordsPerSecond, digits: 1)) records/s), \(Self.formatBytes(bytes))",
            "  status: \(list(statusClasses))",
            "  errors: \(list(errorKinds))",
            "  retries: \(retries), circuit open: \(errorKinds[.circuitOpen] ?? 0), robots disallowed: \(errorKinds[.robotsDisallowed] ?? 0)",
        ]
        if logins > 0 { lines.append("  logins: \(logins) (the first, and \(logins - 1) after pages showed the session ended)") }
        if !hostLimits.isEmpty { lines.append("  per-host limits (auto): \(hostLimitsText)") }
        for proxy in proxies { lines.append("  proxy \(proxy.label): \(proxy.requests) requests, \(proxy.failures) failures, \(proxy.bans) bans") }
        if let since {
            lines.append(
                "  since \(since.path): \(since.notModified) not modified (304), \(since.changed) changed, \(since.unchanged) unchanged (same content_sha256)")
        }
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
}

extension RunSummary {
    /// The adaptive limits at the end, highest first, at most five hosts named.
    var hostLimitsText: String {
        let sorted = hostLimits.sorted { $0.value != $1.value ? $0.value > $1.value : $0.key < $1.key }
        let named = sorted.prefix(5).map { "\($0.key) \($0.value)" }.joined(separator: ", ")
        return sorted.count > 5 ? "\(named) and \(sorted.count - 5) more hosts" : named
    }
}
