import ScrapeBase
import ScrapeCore
import ScrapeAPI
import ScrapePages

/// What `scrape api` prints on stderr for each job: its counts, or, when a signal stopped
/// it, what it kept and what running the command again does. The advice is about this
/// command, so it lives with the command, as `scrape run`'s does (`RunReport.swift`).
extension APIJobRun.Summary {
    /// The line for a job that completed.
    func report(job name: String) -> String {
        let seconds = elapsed.inSeconds
        let rate = seconds > 0 ? Double(records) / seconds : 0
        var line = "scrape api: job \(name): \(records) records from \(pages) pages in "
            + "\(RunSummary.format(seconds, digits: 2)) s (\(RunSummary.format(rate, digits: 0)) records/s); "
            + "retries \(retries); stopped: \(stopReason)"
        if ignored > 0 { line += "; ignored responses: \(ignored)" }
        if let savedCursor { line += "; incremental cursor saved: \(savedCursor)" }
        return line + "\n"
    }

    /// The line for a job a signal stopped: `kept` records written to `output` (fsynced),
    /// and what the same command does next time: a job without `incremental:` starts its
    /// output again; an incremental one appends from the cursor its last complete run saved
    /// (this run's is not saved), so records since then may be written twice, never skipped.
    static func interruptedReport(job name: String, kept: Int, output: String, incremental: Bool) -> String {
        let records = "\(kept) record\(kept == 1 ? "" : "s")"
        let again: String
        switch (output == "-", incremental) {
        case (true, false): again = "running the same command again fetches every page again"
        case (false, false): again = "running the same command again fetches every page again and replaces \(output)"
        case (_, true):
            again = "its incremental cursor was not saved, so running the same command again asks from the one the last complete run "
                + "saved and appends: records since then may be written twice, none are skipped"
        }
        let destination = output == "-" ? "standard output" : output
        return "scrape api: job \(name): interrupted; \(records) written to \(destination) were kept; \(again)\n"
    }
}
