import Glibc
import Logging
import ScrapeCore
import ScrapeCrawl
import ScrapeHTTP
import ScrapePages

/// What every run needs from the daemon: the shared engine, metrics, the run registry,
/// the drain, and the paths. The job scheduler and the inbox both start URL-list runs
/// through ``scrape(input:output:from:runID:)``, so both get the same hooks; `crawl:`
/// jobs run through ``crawl(_:job:runID:)`` with the same ones.
struct RunContext: Sendable {
    let engine: Engine
    let metrics: DaemonMetrics
    let registry: RunRegistry
    let drain: Drain
    let paths: DaemonPaths
    let logger: Logger

    /// Scrapes the URL list `input` into `output`, records from byte `offset` on counting
    /// as this run's (so a resumed run skips the URLs they hold). Stops reading input when
    /// the drain begins, and is cancelled at its deadline.
    ///
    /// - Parameter extraction: a `scrape:` job's `fields:` and `metadata:`; none for inbox files.
    /// - Parameter jobHTTP: the job's own `http:`; nil for the top-level one.
    /// - Parameter login: the job's `login:` and where it is in the file; nil for none.
    func scrape(
        input: String, output: String, from offset: Int64, runID: String, extraction: ScrapeConfiguration.Extraction = .init(),
        revisit: Bool = false, http jobHTTP: ScrapeConfiguration.HTTP? = nil, login: (settings: ScrapeConfiguration.Login, key: String)? = nil
    ) async -> Result<RunSummary, ScrapeRun.Failure> {
        let lease: (client: HTTPClient, http: ScrapeConfiguration.HTTP)
        do throws(HTTPClientError) {
            lease = try engine.lease(jobHTTP)
        } catch {
            return .failure(.client(error))
        }
        let (client, http) = lease
        var options = ScrapeRun.Options(
            input: input, output: output, mode: .resume(from: offset), http: paths.resolvingCookieJar(http), extraction: extraction)
        options.sinceOwnOutput = revisit
        if let login {
            options.login = login.settings
            options.loginKey = login.key
        }
        if revisit { Self.create(output) }
        var run = ScrapeRun(options: options)
        plug(into: &run, client: client, runID: runID)
        let finalRun = run
        let result = await drain.cancellingAtDeadline { () async -> Result<RunSummary, ScrapeRun.Failure> in
            do throws(ScrapeRun.Failure) {
                return .success(try await finalRun.run())
            } catch {
                return .failure(error)
            }
        }
        await engine.release(client)
        return result
    }

    /// Crawls as `options` say (appending to the output from `options.appendFrom`), on the
    /// shared engine (with the job's own `http:` when it has one), with the request, breaker and `scrape_crawl_*` metrics of job `job`.
    /// Stops taking URLs from the queue when the drain begins (pages in flight are recorded,
    /// their links queued), and is cancelled at its deadline; either way the state keeps
    /// the rest for the next run.
    func crawl(
        _ options: CrawlRun.Options, job: String, runID: String, http jobHTTP: ScrapeConfiguration.HTTP? = nil
    ) async -> Result<CrawlSummary, CrawlRun.Failure> {
        let lease: (client: HTTPClient, http: ScrapeConfiguration.HTTP)
        do throws(HTTPClientError) {
            lease = try engine.lease(jobHTTP)
        } catch {
            return .failure(.client(error))
        }
        let (client, http) = lease
        var options = options
        options.http = paths.resolvingCookieJar(http)
        if options.sinceOwnOutput { Self.create(options.output) }
        var run = CrawlRun(options: options)
        plug(into: &run, client: client, runID: runID)
        let counters = metrics.crawl(job: job)
        run.onPage = { step in counters.record(step) }
        let finalRun = run
        let result = await drain.cancellingAtDeadline { () async -> Result<CrawlSummary, CrawlRun.Failure> in
            do throws(CrawlRun.Failure) {
                return .success(try await finalRun.run())
            } catch {
                return .failure(error)
            }
        }
        if case .success(let summary) = result { counters.ended(queued: summary.unfinished) }
        await engine.release(client)
        return result
    }

    /// The daemon's parts, plugged into a run: the shared client, host table (and its
    /// breakers) and robots.txt documents, the drain
    /// as its intake, and its attempts, events, notices and progress as metrics, logs and
    /// the registry's counts.
    private func plug(into run: inout some PageRunHooks, client: HTTPClient, runID: String) {
        let metrics = self.metrics
        let registry = self.registry
        let drain = self.drain
        let logger = self.logger
        run.client = client
        run.hosts = engine.hosts
        run.robotsDocuments = engine.robots
        run.intakeOpen = { !drain.isDraining }
        run.onAttempt = { report in metrics.attempt(report) }
        run.onEvent = { event in metrics.policy(event) }
        run.onNotice = { notice in logger.warning("\(notice)", metadata: ["run": "\(runID)"]) }
        run.onProgress = { summary, _ in registry.progress(id: runID, summary) }
    }

    /// Creates an empty `output` if there is none, so a job's first revisiting run
    /// compares with nothing (every record `changed: true`) rather than not at all.
    private static func create(_ output: String) {
        let descriptor = open(output, O_WRONLY | O_CREAT | O_CLOEXEC, 0o666)
        if descriptor >= 0 { close(descriptor) }
    }
}
