import ScrapeBase
import Glibc
public import ScrapeCore

/// Where the daemon keeps everything (docs/ARCHITECTURE.md, "Daemon state directory"):
///
/// ```
/// state_dir/state.json        jobs' last runs and unfinished runs (atomic writes)
/// state_dir/out/NAME.jsonl    records of inbox file NAME.txt
/// state_dir/cursors/JOB.json  incremental cursors of api: jobs
/// state_dir/crawls/JOB.state  the crawl state (SQLite) of crawl: jobs
/// state_dir/<output>          relative job outputs (default JOB.jsonl)
/// inbox/NAME.txt              waiting; writers create elsewhere and rename in
/// inbox/claimed/NAME.txt      being scraped; resumed after a crash or stop
/// inbox/done/, inbox/failed/  finished inputs; failed/NAME.error says why
/// ```
public struct DaemonPaths: Sendable, Equatable {
    public let stateDirectory: String
    public let inbox: String

    public init(stateDirectory: String, inbox: String) {
        self.stateDirectory = Self.trimmingSlash(stateDirectory)
        self.inbox = Self.trimmingSlash(inbox)
    }

    /// The paths `daemon:` gives, with `$STATE_DIRECTORY` (systemd's `StateDirectory=`) as
    /// the default state directory.
    public init(_ daemon: ScrapeConfiguration.Daemon, environment: [String: String]) {
        let state = daemon.stateDirectory
            ?? environment["STATE_DIRECTORY"].flatMap { $0.split(separator: ":").first.map(String.init) }
            ?? "/var/lib/scrape"
        self.init(stateDirectory: state, inbox: daemon.inbox ?? Self.trimmingSlash(state) + "/inbox")
    }

    public var stateFile: String { stateDirectory + "/state.json" }
    public var inboxOutputs: String { stateDirectory + "/out" }
    public var cursors: String { stateDirectory + "/cursors" }
    public var crawls: String { stateDirectory + "/crawls" }
    public var claimed: String { inbox + "/claimed" }
    public var done: String { inbox + "/done" }
    public var failed: String { inbox + "/failed" }

    /// The records of inbox file `NAME.txt`.
    public func inboxOutput(_ name: String) -> String { "\(inboxOutputs)/\(name).jsonl" }

    /// A job's output: absolute as given, relative under the state directory, and
    /// `JOB.jsonl` there when the job names none.
    public func output(of job: ScrapeConfiguration.Job) -> String {
        guard let output = job.output else { return "\(stateDirectory)/\(job.name).jsonl" }
        return output.hasPrefix("/") ? output : "\(stateDirectory)/\(output)"
    }

    /// An `api:` job's incremental cursor file.
    public func cursor(of job: ScrapeConfiguration.Job) -> String { "\(cursors)/\(job.name).json" }

    /// A `crawl:` job's state file: its seen URLs, queue and depths, kept between runs so
    /// an interrupted crawl (or with `resume: true`, an unfinished one) goes on from there.
    public func crawlState(of job: ScrapeConfiguration.Job) -> String { "\(crawls)/\(job.name).state" }

    /// `http` with its cookie jar file (a job's `http.cookie_jar`) resolved as outputs are:
    /// absolute as given, relative under the state directory, so a job's session is kept
    /// there from run to run.
    public func resolvingCookieJar(_ http: ScrapeConfiguration.HTTP) -> ScrapeConfiguration.HTTP {
        guard let jar = http.cookieJar, !jar.hasPrefix("/") else { return http }
        var resolved = http
        resolved.cookieJar = "\(stateDirectory)/\(jar)"
        return resolved
    }

    /// Creates every folder (and a job output's parent folders) that is missing.
    ///
    /// - Throws: ``DaemonError`` naming the folder that cannot be made.
    public func createDirectories(jobs: [ScrapeConfiguration.Job]) throws(DaemonError) {
        var folders = [stateDirectory, inboxOutputs, cursors, crawls, inbox, claimed, done, failed]
        for job in jobs {
            let path = output(of: job)
            if let slash = path.lastIndex(of: "/"), slash > path.startIndex { folders.append(String(path[..<slash])) }
        }
        for folder in folders { try Self.makeDirectory(folder) }
    }

    private static func makeDirectory(_ path: String) throws(DaemonError) {
        var partial = path.hasPrefix("/") ? "" : "."
        for component in path.split(separator: "/", omittingEmptySubsequences: true) {
            partial += "/" + component
            if mkdir(partial, 0o750) != 0, errno != EEXIST {
                throw DaemonError.filesystem(path: partial, reason: "cannot create the folder: " + SystemCall.errorMessage())
            }
        }
    }

    private static func trimmingSlash(_ path: String) -> String {
        var path = path
        while path.count > 1, path.hasSuffix("/") { path.removeLast() }
        return path
    }
}
