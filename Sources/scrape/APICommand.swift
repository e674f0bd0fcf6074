import ScrapeBase
import CommandSupport
import ArgumentParser
import Glibc
import ScrapeCore
import ScrapeHTTP
import ScrapeAPI

/// `scrape api CONFIG --job NAME... [-o FILE|-]` or `--all`: paginated REST API fetches,
/// the jobs (and the parents of jobs with `resolve:`) run together on one ``APIRunner``.
struct APICommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "api",
        abstract: "Fetch every page of a REST API job described in a config file; one JSON line per record.",
        discussion: """
            Records are written exactly as the API sent them (numbers keep their digits, keys \
            their order), one per line. With incremental:, the largest cursor value is kept in \
            OUTPUT.state.json after the output is synced, and sent on the next run (which appends). \
            Several jobs (--job repeated, or --all) run at the same time on one scheduler and \
            HTTP client, sharing their limits, each to its own output. A job with resolve: runs \
            its parent job too (or reads its output with --from-output) and walks its endpoint \
            once per parent record, as the parent's records arrive. SIGINT or SIGTERM stops the \
            run (exit 130 or 143): records written are kept, and each unfinished job's line says \
            how many, where, and what running the command again does.
            """
    )

    @Argument(help: ArgumentHelp("The YAML config file with jobs: and api: entries.", valueName: "config"))
    var config: String

    @Option(name: .customLong("job"), help: ArgumentHelp("A job to run; repeat for several.", valueName: "name"))
    var jobs: [String] = []

    @Flag(help: "Run every api: job, each to its own output.")
    var all = false

    @Option(name: .shortAndLong, help: ArgumentHelp("Output file, or - for stdout (default: the job's output:, else stdout).", valueName: "file"))
    var output: String?

    @Flag(help: "A job with resolve: reads its parent job's records from the parent's output: file instead of running the parent first.")
    var fromOutput = false

    @Flag(help: "Write each record as {\"job\":...,\"page_url\":...,\"record\":<as sent>} instead of the record alone.")
    var withMeta = false

    @Flag(name: .shortAndLong, help: "No summary on stderr.")
    var quiet = false

    func validate() throws {
        if all == !jobs.isEmpty { throw ValidationError("give either --job NAME (one or more) or --all") }
        if output != nil, all || jobs.count > 1 { throw ValidationError("-o works with one --job: with several, each job writes to its own output:") }
        if let twice = jobs.first(where: { name in jobs.count(where: { $0 == name }) > 1 }) {
            throw ValidationError("--job \(twice) is given twice")
        }
    }

    func run() async throws {
        HeapTuning.forOneShotRun()
        let file: ScrapeConfiguration
        do {
            file = try ScrapeConfiguration(contentsOfFile: config)
        } catch {
            throw ValidationError("\(config): \(error)")
        }
        var selected: [(index: Int, job: ScrapeConfiguration.Job, api: ScrapeConfiguration.API)] = []
        for (index, candidate) in file.jobs.enumerated() {
            guard case .api(let api) = candidate.source, all || jobs.contains(candidate.name) else { continue }
            selected.append((index, candidate, api))
        }
        if let unknown = jobs.first(where: { name in !selected.contains { $0.job.name == name } }) {
            let names = file.jobs.compactMap { if case .api = $0.source { $0.name } else { nil } }
            throw ValidationError("\(config): no api job named \"\(unknown)\"; api jobs: \(names.isEmpty ? "none" : names.joined(separator: ", "))")
        }
        if all, selected.isEmpty {
            throw ValidationError("\(config): --all found no api: jobs to run (\(file.jobs.count) job\(file.jobs.count == 1 ? "" : "s") of other kinds)")
        }
        if selected.count > 1 {
            if let missing = selected.first(where: { $0.job.output == nil }) {
                throw ValidationError("\(config): jobs[\(missing.index)].output: missing: several jobs at once need an output: each")
            }
            let outputs = selected.compactMap(\.job.output)
            if let shared = outputs.first(where: { path in outputs.count(where: { $0 == path }) > 1 }) {
                throw ValidationError("\(config): two jobs have output: \(shared); jobs run at once need outputs of their own")
            }
        }
        let http = try Self.http(of: selected, in: file, config: config)
        let client = try HTTPClient(configuration: http.clientConfiguration)
        // Every selected job's secrets, before any request: a missing one fails the whole
        // command at once instead of after the jobs before it have run.
        for entry in selected {
            do throws(ConfigurationError) {
                _ = try APIAuthenticator(entry.api.auth, keyPath: "jobs[\(entry.index)].api.auth", client: client)
            } catch {
                await client.shutdown()
                throw ValidationError("\(config): \(error)")
            }
        }
        // A job with resolve: needs its parent's records: a parent not selected runs too (to
        // its output:, or nowhere), unless --from-output reads them back from its output:.
        let needed = JobLineage(file.jobs).parents(for: selected.map(\.index), readingBack: fromOutput)
        var runs = selected.map { (index: $0.index, job: $0.job, api: $0.api, parentOnly: false) }
        for index in needed.added {
            guard case .api(let parentAPI) = file.jobs[index].source else { continue }
            runs.append((index, file.jobs[index], parentAPI, true))
        }
        var fromFiles: [String: [[UInt8]]] = [:]
        for index in needed.readBack {
            let read: ParentRecords
            do throws(ConfigurationError) {
                read = try ParentRecords(readingOutputOf: file.jobs[index], keyPath: "jobs[\(index)]")
            } catch {
                await client.shutdown()
                throw ValidationError("\(config): \(error)")
            }
            fromFiles[file.jobs[index].name] = read.records
            if read.skippedBytes > 0, !quiet {
                Terminal.error(
                    "scrape api: the parent's output \(file.jobs[index].output ?? "") ends in a partial line of \(read.skippedBytes) bytes "
                        + "(left by a run killed mid-write); it was skipped")
            }
        }
        // All on one scheduler: the jobs share its per-origin limits and breakers, and a
        // child's walks start as its parent's records are written.
        let runners = runs.map { entry -> APIJobRun in
            var options = APIJobRun.Options(
                job: entry.job, api: entry.api, keyPath: "jobs[\(entry.index)]",
                output: entry.parentOnly ? (entry.job.output ?? "/dev/null") : (output ?? entry.job.output ?? "-"), http: http
            )
            options.inputs = [config]
            options.withMeta = withMeta && !entry.parentOnly
            return APIJobRun(options: options)
        }
        // SIGINT or SIGTERM cancels the run, as for scrape run: what was written is kept and
        // said, and the status is 128 + the signal.
        let (results, signal) = await StopSignals.cancelling { [fromFiles] in
            await APIRunner.run(runners, client: client, parentRecords: fromFiles)
        }
        var failures: [APIJobRun.Failure] = []
        for (entry, result) in zip(runs, results) {
            switch result {
            case .success(let summary):
                if !quiet, !(entry.parentOnly && entry.job.output == nil) { Terminal.write(summary.report(job: entry.job.name)) }
            case .failure(.interrupted(let name, let kept, let output)):
                failures.append(.interrupted(job: name, recordsKept: kept, output: output))
                if !quiet, !(entry.parentOnly && entry.job.output == nil) {
                    Terminal.error(APIJobRun.Summary.interruptedReport(job: name, kept: kept, output: output, incremental: entry.api.incremental != nil))
                }
            case .failure(let failure):
                failures.append(failure)
                if case .output(let error) = failure, error.kind == .closedPipe { continue }
                Terminal.error("scrape: \(failure)")
            }
        }
        await client.shutdown()
        throw ExitCode(signal != 0 ? 128 + signal : Self.status(failures))
    }

    /// The `http:` the selected jobs run with (a job's own `http:`, else the top-level one):
    /// they share one client and scheduler, so it must be the same for all; a parent run
    /// for `resolve:` runs with it too, as in the daemon.
    ///
    /// - Throws: `ValidationError` (exit 2) naming the job whose `http:` differs.
    static func http(
        of selected: [(index: Int, job: ScrapeConfiguration.Job, api: ScrapeConfiguration.API)], in file: ScrapeConfiguration, config: String
    ) throws -> ScrapeConfiguration.HTTP {
        let first = selected.first.map { $0.job.http ?? file.http } ?? file.http
        if let other = selected.first(where: { ($0.job.http ?? file.http) != first }) {
            throw ValidationError(
                "\(config): jobs[\(other.index)].http: jobs run together share one client and scheduler, so their http: settings must be the same; "
                    + "\(other.job.name)'s differ from \(selected[0].job.name)'s: run them one at a time")
        }
        return first
    }

    /// The exit status of a set of job failures: 141 when stdout's reader went away, 2 when
    /// a job could not start (config, an output that may not be written), 1 when one failed
    /// part-way, 0 when none failed.
    static func status(_ failures: [APIJobRun.Failure]) -> Int32 {
        var status: Int32 = 0
        for failure in failures {
            switch failure {
            case .output(let output) where output.kind == .closedPipe: return ScrapeCommand.Status.closedPipe
            case .output(let output) where output.kind == .refused: status = max(status, ScrapeCommand.Status.usage)
            case .configuration: status = max(status, ScrapeCommand.Status.usage)
            default: status = max(status, 1)
            }
        }
        return status
    }
}
