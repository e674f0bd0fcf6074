import ScrapeCore
import ScrapeCrawl
import ScrapeFrontier

/// `scrape frontier status` as text for people, or one JSON object for scripts.
enum FrontierStatusText {
    static func text(jobs: [FrontierStore.JobStatus], workers: [FrontierStore.WorkerStatus]) -> String {
        var out = ""
        for status in jobs {
            let job = status.job
            out += "job \(job.name): \(status.urls) URLs: \(status.done) done (\(status.failed) with errors), "
            out += "\(status.queued) queued, \(status.leased) leased; \(status.lastMinute) records in the last minute\n"
            out += "  hosts waiting: \(status.hostsWaiting) (breaker open: \(status.hostsBroken)); lease expiries: \(status.leaseExpiries)\n"
            out += "  settings: per-host rate \(job.perHostRate?.description ?? "unlimited"), per-host concurrency \(job.perHostConcurrency), "
            out += "retries \(job.retries), robots.txt \(job.obeyRobots ? "obeyed" : "ignored")\n"
            if !job.fields.isEmpty || job.metadata {
                out += "  fields: \(job.fields.isEmpty ? "none" : job.fields.joined(separator: " ")); metadata: \(job.metadata ? "yes" : "no")\n"
            }
            if let crawl = job.crawl { out += crawlText(crawl, status: status) }
        }
        if jobs.isEmpty { out += "no jobs (scrape frontier add --job NAME FILE creates one)\n" }
        let live = workers.filter(\.isLive)
        out += "workers: \(live.count) live"
        out += live.isEmpty ? "" : ": " + live.map { "\($0.id) (\($0.completed) recorded, seen \(Int($0.secondsSinceSeen)) s ago)" }.joined(separator: ", ")
        let gone = workers.filter { !$0.isLive }
        if !gone.isEmpty {
            out += "; gone: " + gone.map { "\($0.id) (\(Self.gone($0)), \($0.completed) recorded)" }.joined(separator: ", ")
        }
        return out + "\n"
    }

    static func json(jobs: [FrontierStore.JobStatus], workers: [FrontierStore.WorkerStatus]) -> String {
        var out: [UInt8] = []
        out.append(contentsOf: #"{"jobs":["#.utf8)
        for (index, status) in jobs.enumerated() {
            if index > 0 { out.append(UInt8(ascii: ",")) }
            out.append(contentsOf: #"{"name":"#.utf8)
            JSONLineEncoder.appendString(status.job.name, to: &out)
            let fields: [(String, Int)] = [
                ("urls", status.urls), ("done", status.done), ("failed", status.failed), ("queued", status.queued),
                ("leased", status.leased), ("records_last_minute", status.lastMinute), ("hosts_waiting", status.hostsWaiting),
                ("hosts_breaker_open", status.hostsBroken), ("lease_expiries", status.leaseExpiries),
                ("per_host_concurrency", status.job.perHostConcurrency), ("retries", status.job.retries),
            ]
            for (name, value) in fields {
                out.append(contentsOf: ",\"\(name)\":\(value)".utf8)
            }
            out.append(contentsOf: ",\"per_host_rate\":".utf8)
            out.append(contentsOf: (status.job.perHostRate.map { "\($0.perSecond)" } ?? "null").utf8)
            out.append(contentsOf: ",\"obey_robots\":\(status.job.obeyRobots),\"fields\":".utf8)
            out.append(contentsOf: JSONDocument.array(status.job.fields.map(JSONDocument.string)).encoded)
            out.append(contentsOf: ",\"metadata\":\(status.job.metadata),\"crawl\":".utf8)
            out.append(contentsOf: crawlJSON(status).encoded)
            out.append(UInt8(ascii: "}"))
        }
        out.append(contentsOf: #"],"workers":["#.utf8)
        for (index, worker) in workers.filter(\.isLive).enumerated() {
            if index > 0 { out.append(UInt8(ascii: ",")) }
            out.append(contentsOf: #"{"id":"#.utf8)
            JSONLineEncoder.appendString(worker.id, to: &out)
            out.append(contentsOf: ",\"recorded\":\(worker.completed),\"seen_seconds_ago\":\(Int(worker.secondsSinceSeen))}".utf8)
        }
        out.append(contentsOf: #"],"workers_gone":["#.utf8)
        for (index, worker) in workers.filter({ !$0.isLive }).enumerated() {
            if index > 0 { out.append(UInt8(ascii: ",")) }
            out.append(contentsOf: #"{"id":"#.utf8)
            JSONLineEncoder.appendString(worker.id, to: &out)
            out.append(contentsOf: ",\"recorded\":\(worker.completed),\"seen_seconds_ago\":\(Int(worker.secondsSinceSeen)),\"exited\":\(worker.exited)}".utf8)
        }
        out.append(contentsOf: "]}\n".utf8)
        return String(decoding: out, as: UTF8.self)
    }

    /// A crawl job's rules, its links by outcome and its URLs not yet recorded by depth.
    private static func crawlText(_ crawl: CrawlSettings.Rules, status: FrontierStore.JobStatus) -> String {
        var out = "  crawl: scope \(crawl.scope), max depth \(crawl.maxDepth.map(String.init) ?? "unlimited"), "
        out += "max pages \(crawl.maxPages.map(String.init) ?? "unlimited"), follow '\(crawl.follow)'"
        if !crawl.allow.isEmpty { out += ", allow " + crawl.allow.map { "'\($0)'" }.joined(separator: " ") }
        if !crawl.deny.isEmpty { out += ", deny " + crawl.deny.map { "'\($0)'" }.joined(separator: " ") }
        out += "\n"
        if let links = status.links { out += "  \(links.line)\n" }
        if !status.unrecordedByDepth.isEmpty {
            let depths = status.unrecordedByDepth.sorted { $0.key < $1.key }.map { "depth \($0.key): \($0.value)" }
            out += "  not yet recorded: " + depths.joined(separator: ", ") + "\n"
        }
        return out
    }

    /// `"crawl"` of a job in `--json`: null for a list job.
    private static func crawlJSON(_ status: FrontierStore.JobStatus) -> JSONDocument {
        guard let crawl = status.job.crawl else { return .null }
        func number(_ value: Int?) -> JSONDocument { value.map { .number(String($0)) } ?? .null }
        let links = status.links ?? LinkCounts()
        let counts: [(String, Int)] = [
            ("found", links.found), ("followed", links.followed), ("offsite", links.offsite), ("depth", links.depth), ("denied", links.denied),
            ("duplicate", links.duplicate), ("not_http", links.notHTTP), ("max_pages", links.maxPages),
        ]
        return .object([
            .init(key: "scope", value: .string(crawl.scope)),
            .init(key: "max_depth", value: number(crawl.maxDepth)),
            .init(key: "max_pages", value: number(crawl.maxPages)),
            .init(key: "allow", value: .array(crawl.allow.map(JSONDocument.string))),
            .init(key: "deny", value: .array(crawl.deny.map(JSONDocument.string))),
            .init(key: "follow", value: .string(crawl.follow)),
            .init(key: "links", value: .object(counts.map { .init(key: $0.0, value: number($0.1)) })),
            .init(key: "unrecorded_by_depth", value: .object(status.unrecordedByDepth.sorted { $0.key < $1.key }.map {
                .init(key: String($0.key), value: number($0.value))
            })),
        ])
    }

    /// How a worker went: it said so on exit, or its heartbeat lapsed (killed, or cut off).
    private static func gone(_ worker: FrontierStore.WorkerStatus) -> String {
        worker.exited ? "exited \(Int(worker.secondsSinceSeen)) s ago" : "no heartbeat for \(Int(worker.secondsSinceSeen)) s"
    }
}
