import Glibc
import Logging
import ScrapeCore
import ScrapeAPI
import ScrapePages

/// Runs one job once and keeps its history in the state file.
///
/// A `scrape:` job appends to its output. Before it starts, the output's size (after a
/// partial last line is cut) is saved as the run's start; if the process stops mid-run,
/// the next start resumes from there, skipping the URLs recorded after that offset, so
/// each URL of a run is recorded once even across a kill. An `api:` job appends its
/// records and keeps its incremental cursor in `state_dir/cursors/JOB.json`, saved only
/// after its records are fsynced; an interrupted API run is redone from the last saved
/// cursor on the next start. A `crawl:` job's runs are fresh crawls appending to its
/// output, resumed the same way from the state file each keeps (``runCrawl(_:_:keyPath:id:number:resuming:run:)``).
struct JobRunner: Sendable {
    let context: RunContext
    let store: StateStore
    /// Relative `urls_file` paths resolve against the config file's folder.
    let configDirectory: String

    /// Runs `job` as run `id` (its `number`th); `resuming` is the unfinished run it continues.
    ///
    /// - Parameter ancestors: with `resolve:`, the parent job, its parent and so on: fetched
    ///   again in the same run to feed the child's walks (their records are not written and
    ///   their incremental cursors are neither read nor saved), because a daemon's api
    ///   outputs append across runs and could not be read back without duplicates.
    func run(
        _ job: ScrapeConfiguration.Job, keyPath: String, id: String, number: Int, resuming: DaemonState.Unfinished?,
        ancestors: [(job: ScrapeConfiguration.Job, keyPath: String)] = []
    ) async -> DaemonState.Run {
        let logger = context.logger
        let output = context.paths.output(of: job)
        context.registry.started(id: id, kind: .job, name: job.name)
        var run = DaemonState.Run(id: id, started: Self.unixSeconds, outcome: .running)
        logger.info("job run started", metadata: ["job": "\(job.name)", "run": "\(id)", "resumed": "\(resuming != nil)"])

        switch job.source {
        case .scrape(let urlsFile):
            do {
                let offset = try resuming?.outputOffset ?? OutputFile.repairTail(path: output)
                try markStarted(job.name, run: run, number: number, offset: offset)
                switch await context.scrape(
                    input: resolve(urlsFile), output: output, from: offset, runID: id, extraction: job.extraction, revisit: job.revisit,
                    http: job.http, login: job.login.map { ($0, keyPath + ".login") })
                {
                case .success(let summary):
                    run.records = summary.records
                    run.errors = summary.errors
                    run.skipped = summary.skipped
                    if let since = summary.since { context.metrics.revisit(since, job: job.name) }
                    context.metrics.proxies(summary.proxies, job: job.name)
                    run.outcome = summary.interrupted ? .interrupted : .succeeded
                    if summary.interrupted { run.message = "stopped before the end of the list; resumed on the next start" }
                case .failure(let failure):
                    run.outcome = .failed
                    run.message = failure.description
                }
            } catch {
                run.outcome = .failed
                run.message = "\(error)"
            }
        case .api(let api):
            do {
                try markStarted(job.name, run: run, number: number, offset: 0)
                let (client, leased) = try context.engine.lease(job.http)
                let http = context.paths.resolvingCookieJar(leased)
                // One session for the run, shared with the parents it fetches again.
                let session: RunSession
                do throws(RunSession.Failure) {
                    session = try RunSession.open(http.withCookies(job.login != nil || ancestors.contains { $0.job.login != nil }), inputs: [output])
                } catch {
                    await context.engine.release(client)
                    throw error
                }
                var options = APIJobRun.Options(job: job, api: api, keyPath: keyPath, output: output, statePath: context.paths.cursor(of: job), http: http)
                options.appends = true
                options.session = session
                var apiRun = APIJobRun(options: options)
                let metrics = context.metrics
                apiRun.onAttempt = { report in metrics.attempt(report) }
                var runs = [apiRun]
                for ancestor in ancestors {
                    guard case .api(var ancestorAPI) = ancestor.job.source else { continue }
                    ancestorAPI.incremental = nil
                    var parentOptions = APIJobRun.Options(job: ancestor.job, api: ancestorAPI, keyPath: ancestor.keyPath, output: "/dev/null", http: http)
                    parentOptions.session = session
                    var parent = APIJobRun(options: parentOptions)
                    parent.onAttempt = { report in metrics.attempt(report) }
                    runs.append(parent)
                }
                let finalRuns = runs
                let result = await context.drain.cancellingAtDeadline { () async -> Result<APIJobRun.Summary, APIJobRun.Failure> in
                    // The job's own result; a failed ancestor fails it with a message naming the parent.
                    await APIRunner.run(finalRuns, client: client, hosts: context.engine.hosts)[0]
                }
                await context.engine.release(client)
                do {
                    try session.close()
                } catch {
                    context.logger.error("cannot save the job's cookie jar", metadata: ["job": "\(job.name)", "error": "\(error)"])
                }
                switch result {
                case .success(let summary):
                    run.records = summary.records
                    run.outcome = .succeeded
                case .failure(let failure):
                    run.outcome = context.drain.isDraining ? .interrupted : .failed
                    run.message = failure.description
                }
            } catch {
                run.outcome = .failed
                run.message = "\(error)"
            }
        case .crawl(let crawl):
            await runCrawl(job, crawl, keyPath: keyPath, id: id, number: number, resuming: resuming, run: &run)
        case .stream:
            // A ws: job is a connection the daemon keeps open (StreamJobs), not a run.
            run.outcome = .failed
            run.message = "a ws: job runs continuously; it has no runs to start"
        }

        run.finished = Self.unixSeconds
        let finished = run
        // Metrics first: whoever sees the run ended in /jobs finds it counted in /metrics.
        context.metrics.jobRun(job.name, outcome: run.outcome, at: run.finished ?? 0)
        do {
            try store.update { state in
                state.jobs[job.name, default: .init()].lastRun = finished
                if finished.outcome != .interrupted { state.jobs[job.name]?.unfinished = nil }
                if finished.outcome == .succeeded { state.jobs[job.name]?.lastSuccess = finished.finished }
            }
        } catch {
            logger.error("cannot save the daemon state", metadata: ["error": "\(error)"])
        }
        context.registry.finished(id: id, state: run.outcome, records: run.records, errors: run.errors, skipped: run.skipped, message: run.message)
        var metadata: Logger.Metadata = [
            "job": "\(job.name)", "run": "\(id)", "outcome": "\(run.outcome.rawValue)", "records": "\(run.records)", "errors": "\(run.errors)",
        ]
        if let message = run.message { metadata["message"] = "\(message)" }
        if run.outcome == .failed {
            logger.error("job run failed", metadata: metadata)
        } else {
            logger.info("job run ended", metadata: metadata)
        }
        return run
    }

    /// Saves "run `number` of `job` started, its records begin at `offset`" before any is
    /// written; for a `crawl:` job, also where its crawl's records begin (`crawlOffset`).
    func markStarted(_ job: String, run: DaemonState.Run, number: Int, offset: Int64, crawlOffset: Int64? = nil) throws(DaemonError) {
        try store.update { state in
            state.jobs[job, default: .init()].runs = max(state.jobs[job]?.runs ?? 0, number)
            state.jobs[job]?.lastRun = run
            state.jobs[job]?.unfinished = .init(id: run.id, outputOffset: offset)
            if let crawlOffset { state.jobs[job]?.crawlOffset = crawlOffset }
        }
    }

    func resolve(_ path: String) -> String {
        path.hasPrefix("/") || path == "-" ? path : "\(configDirectory)/\(path)"
    }

    static var unixSeconds: Double { Double(Timestamp.now.millisecondsSinceEpoch) / 1000 }
}
