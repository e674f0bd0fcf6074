import DequeModule
import ScrapeCore
import ScrapeResilience
import ScrapePages

/// A claimed URL waiting for a fetch slot, with what fetches it.
struct Assignment: Sendable {
    let claim: FrontierStore.Claim
    let job: FrontierStore.StoredJob
    let fetcher: JobFetcher
}

/// A ``FrontierWorker``'s shared state, under its one lock: where the run is (its
/// ``FrontierWorker/StateMachine``) and what is in hand, which the claim loop, the slots,
/// the writer and the lease loop all read and change.
struct WorkerState {
    /// Where the run is: working, stopping, draining, finished (and the failure to throw).
    var machine = FrontierWorker.StateMachine()
    var jobs: [FrontierStore.StoredJob] = []
    /// Fetch slots running (at most ``FrontierWorker/Options/concurrency``).
    var slots = 0
    /// Claimed URLs waiting for a slot.
    var ready: Deque<Assignment> = []
    /// Claims in hand (waiting, fetching or waiting to be written), for lease renewal.
    var held: [Int64: FrontierStore.Claim] = [:]
    /// Finished attempts waiting for the writer.
    var pending: [FrontierStore.Completion] = []
    /// What the attempts since the last batch said of their hosts, by `"jobID host"`.
    var hosts: [String: FrontierStore.HostReport] = [:]
    var summary = FrontierWorker.Summary()

    /// Nothing claimed is waiting, fetching or waiting to be written.
    var isIdle: Bool { slots == 0 && ready.isEmpty && pending.isEmpty }

    /// Folds one attempt's outcome and the host's `Crawl-delay` into its report for the next batch.
    mutating func record(_ outcome: AttemptOutcome, crawlDelay: Duration?, jobID: Int64, host: String) {
        let key = "\(jobID) \(host)"
        var report = hosts[key] ?? FrontierStore.HostReport(jobID: jobID, host: host, reset: false, failures: 0)
        if let crawlDelay { report.crawlDelay = crawlDelay }
        switch outcome {
        case .failure:
            report.failures += 1
        case .success, .neutral, .throttled:
            report.reset = true
            report.failures = 0
        }
        hosts[key] = report
    }
}
