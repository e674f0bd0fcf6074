import ScrapeCore
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
            out.append(contentsOf: ",\"metadata\":\(status.job.metadata)}".utf8)
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

    /// How a worker went: it said so on exit, or its heartbeat lapsed (killed, or cut off).
    private static func gone(_ worker: FrontierStore.WorkerStatus) -> String {
        worker.exited ? "exited \(Int(worker.secondsSinceSeen)) s ago" : "no heartbeat for \(Int(worker.secondsSinceSeen)) s"
    }
}
