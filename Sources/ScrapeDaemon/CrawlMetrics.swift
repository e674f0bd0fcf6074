import CoreMetrics
import ScrapeCrawl

/// A `crawl:` job's metrics, made once per run so each page costs no lookup, each with the
/// `job` label the daemon's other per-job metrics have:
/// - `scrape_crawl_pages_total`: records the job's crawls wrote;
/// - `scrape_crawl_links_total{outcome}`: distinct URLs found as links, by outcome
///   (`followed`, `offsite`, `depth`, `denied`, `duplicate`, `not_http`, `max_pages`, the
///   summary's `links:` line), each counted when first found, and under `followed` again
///   when a page closer to a seed brings in one skipped for depth or scope;
/// - `scrape_crawl_queue`: URLs found and not yet recorded (queued or in flight), as of
///   the last record, and what is left when a run ends (0 when its crawl finished).
struct CrawlMetrics: Sendable {
    /// The outcomes, as the label and the summary's count.
    static let outcomes: [(label: String, count: @Sendable (LinkCounts) -> Int)] = [
        ("followed", { $0.followed }), ("offsite", { $0.offsite }), ("depth", { $0.depth }), ("denied", { $0.denied }),
        ("duplicate", { $0.duplicate }), ("not_http", { $0.notHTTP }), ("max_pages", { $0.maxPages }),
    ]

    let pages: CoreMetrics.Counter
    /// One counter per outcome, in ``outcomes``' order.
    let links: [CoreMetrics.Counter]
    let queue: Gauge

    init(job: String, factory: any MetricsFactory) {
        pages = Counter(label: "scrape_crawl_pages_total", dimensions: [("job", job)], factory: factory)
        links = Self.outcomes.map { Counter(label: "scrape_crawl_links_total", dimensions: [("job", job), ("outcome", $0.label)], factory: factory) }
        queue = Gauge(label: "scrape_crawl_queue", dimensions: [("job", job)], factory: factory)
        // Every series at 0 from the first run on, so dashboards see them before any link.
        pages.increment(by: 0)
        for counter in links { counter.increment(by: 0) }
    }

    /// Counts one recorded page.
    func record(_ step: CrawlStep) {
        pages.increment()
        for (index, outcome) in Self.outcomes.enumerated() {
            let count = outcome.count(step.links)
            if count > 0 { links[index].increment(by: count) }
        }
        queue.record(step.queued)
    }

    /// A run ended with `queued` URLs left in its crawl's queue.
    func ended(queued: Int) {
        queue.record(queued)
    }
}
