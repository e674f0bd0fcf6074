import ScrapeBase
import CommandSupport
import ArgumentParser
import Glibc
import ScrapeCore
import ScrapeHTTP

/// `scrape api CONFIG --job NAME [-o FILE|-]` or `--all`: paginated REST API fetches.
struct APICommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "api",
        abstract: "Fetch every page of a REST API job described in a config file; one JSON line per record.",
        discussion: """
            Records are written exactly as the API sent them (numbers keep their digits, keys \
            their order), one per line. With incremental:, the largest cursor value is kept in \
            OUTPUT.state.json after the output is synced, and sent on the next run (which appends).
            """
    )

    @Argument(help: ArgumentHelp("The YAML config file with jobs: and api: entries.", valueName: "config"))
    var config: String

    @Option(help: "The job to run.")
    var job: String?

    @Flag(help: "Run every api: job, each to its own output.")
    var all = false

    @Option(name: .shortAndLong, help: ArgumentHelp("Output file, or - for stdout (default: the job's output:, else stdout).", valueName: "file"))
    var output: String?

    @Flag(name: .shortAndLong, help: "No summary on stderr.")
    var quiet = false

    func validate() throws {
        if all == (job != nil) { throw ValidationError("give either --job NAME or --all") }
        if all, output != nil { throw ValidationError("-o cannot be used with --all: each job writes to its own output:") }
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
            guard case .api(let api) = candidate.source, all || candidate.name == job else { continue }
            selected.append((index, candidate, api))
        }
        if let job, selected.isEmpty {
            let names = file.jobs.compactMap { if case .api = $0.source { $0.name } else { nil } }
            throw ValidationError("\(config): no api job named \"\(job)\"; api jobs: \(names.isEmpty ? "none" : names.joined(separator: ", "))")
        }
        if all, selected.isEmpty {
            throw ValidationError("\(config): --all found no api: jobs to run (\(file.jobs.count) job\(file.jobs.count == 1 ? "" : "s") of other kinds)")
        }
        if all, let missing = selected.first(where: { $0.job.output == nil }) {
            throw ValidationError("\(config): jobs[\(missing.index)].output: missing: --all needs an output: for every api job")
        }
        let client = try HTTPClient(configuration: file.http.clientConfiguration)
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
        var status: Int32 = 0
        for entry in selected {
            var options = APIJobRun.Options(
                job: entry.job, api: entry.api, keyPath: "jobs[\(entry.index)]",
                output: output ?? entry.job.output ?? "-", http: file.http
            )
            options.inputs = [config]
            do {
                let summary = try await APIJobRun(options: options).run(client: client)
                if !quiet { Terminal.write(Self.report(entry.job.name, summary)) }
            } catch {
                switch error {
                case .output(let output) where output.kind == .closedPipe:
                    await client.shutdown()
                    throw ExitCode(ScrapeCommand.Status.closedPipe)
                case .output(let output) where output.kind == .refused:
                    Terminal.error("scrape: \(error)")
                    await client.shutdown()
                    throw ExitCode(ScrapeCommand.Status.usage)
                case .configuration:
                    Terminal.error("scrape: \(error)")
                    await client.shutdown()
                    throw ExitCode(ScrapeCommand.Status.usage)
                default:
                    Terminal.error("scrape: \(error)")
                    status = 1
                }
            }
        }
        await client.shutdown()
        throw ExitCode(status)
    }

    static func report(_ name: String, _ summary: APIJobRun.Summary) -> String {
        let seconds = summary.elapsed.inSeconds
        let rate = seconds > 0 ? Double(summary.records) / seconds : 0
        var line = "scrape api: job \(name): \(summary.records) records from \(summary.pages) pages in "
            + "\(RunSummary.format(seconds, digits: 2)) s (\(RunSummary.format(rate, digits: 0)) records/s); "
            + "retries \(summary.retries); stopped: \(summary.stopReason)"
        if let cursor = summary.savedCursor { line += "; incremental cursor saved: \(cursor)" }
        return line + "\n"
    }
}
