import ScrapeCore
import ScrapePages

extension RunSummary {
    /// Counts one written record, as `scrape run`'s summary does.
    mutating func count(_ record: ScrapeRecord) {
        records += 1
        bytes += record.bytes ?? 0
        if let status = record.status { statusClasses["\(status / 100)xx", default: 0] += 1 }
        if let error = record.error {
            errorKinds[error.kind, default: 0] += 1
            if RetryableFailures.default.matches(kind: error.kind, status: record.status) { transientFailures += 1 }
        }
    }
}
