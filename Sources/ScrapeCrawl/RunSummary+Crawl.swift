import ScrapeCore
import ScrapePages

extension RunSummary {
    /// Counts one written record, as `scrape run`'s summary does.
    mutating func count(_ record: ScrapeRecord) {
        addRevisit(of: record)
        records += 1
        bytes += record.bytes ?? 0
        if let status = record.status { statusClasses["\(status / 100)xx", default: 0] += 1 }
        if let error = record.error {
            errorKinds[error.kind, default: 0] += 1
            if RetryableFailures.default.matches(kind: error.kind, status: record.status) { transientFailures += 1 }
        }
    }
}

extension Scheduler.Event {
    /// The event as a log line that names the origin.
    var crawlNotice: String {
        switch self {
        case .circuitOpened(let origin, let cooldown):
            "circuit breaker for \(origin) opened: its URLs wait \(cooldown.configDescription) for a probe"
        case .circuitHalfOpened(let origin): "circuit breaker for \(origin) half-open: probing"
        case .circuitClosed(let origin): "circuit breaker for \(origin) closed: the origin answers again"
        }
    }
}
