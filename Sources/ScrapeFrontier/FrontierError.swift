import ScrapeBase

/// What goes wrong in fleet mode, each naming its cause for a person at a terminal.
/// Never contains a database password.
public enum FrontierError: Error, Sendable, Equatable, CustomStringConvertible {
    /// `--db` / `SCRAPE_DATABASE_URL` did not parse.
    case invalidDatabaseURL(String)
    /// Neither `--db` nor `SCRAPE_DATABASE_URL` was given.
    case noDatabaseURL
    /// The server could not be reached (or kept dropping us) for the allowed time; `setting`
    /// names what sets that time (`--unreachable-timeout`), nil where it is fixed.
    case databaseUnreachable(url: String, waited: Duration, lastError: String, setting: String?)
    /// The server refused a statement (a bug, a permission, a full disk).
    case database(String)
    /// The schema is missing or older than this scrape needs.
    case schemaOutdated(found: Int, needed: Int)
    /// The schema is newer than this scrape knows (a newer worker ran `init`).
    case schemaNewer(found: Int, known: Int)
    /// `--job NAME` names no job.
    case unknownJob(String)
    /// `add` for an existing job with other politeness settings, without `--update`.
    case settingsDiffer(job: String, differences: [String])
    /// A job's stored fields do not compile on this worker.
    case invalidFields(job: String, message: String)
    /// The URL list could not be read.
    case input(String)
    /// An export's output could not be written.
    case output(String)
    /// The worker's HTTP client could not start (its settings).
    case client(String)
    /// A time option (`--since`) that is not one of ``ISO8601Time/acceptedForms``.
    case invalidTime(option: String, given: String)
    /// The reader of standard output went away (`export | head`): exit 141 without a
    /// message, as `scrape run` does.
    case closedPipe
    /// A job's login (the worker's `login:`) did not give a session: the worker stops.
    case login(job: String, message: String)

    public var description: String {
        switch self {
        case .invalidDatabaseURL(let why): "invalid database URL: \(why)"
        case .noDatabaseURL: "no database: pass --db postgres://user@host:port/dbname or set SCRAPE_DATABASE_URL"
        case .databaseUnreachable(let url, let waited, let lastError, let setting):
            "cannot reach PostgreSQL at \(url) for \(Int(waited.inSeconds.rounded())) s\(setting.map { " (\($0))" } ?? ""); giving up. Last error: \(lastError)"
        case .database(let message): "PostgreSQL: \(message)"
        case .schemaOutdated(let found, let needed):
            found == 0
                ? "the database has no frontier schema: run scrape frontier init --db URL first"
                : "the frontier schema is version \(found), this scrape needs \(needed): run scrape frontier init --db URL to migrate"
        case .schemaNewer(let found, let known):
            "the frontier schema is version \(found), newer than this scrape knows (\(known)): upgrade scrape on this machine"
        case .unknownJob(let name): "no job named \"\(name)\" in the frontier (scrape frontier add --job \(name) FILE creates it)"
        case .settingsDiffer(let job, let differences):
            "job \"\(job)\" exists with other settings: \(differences.joined(separator: ", ")); pass --update to change them"
        case .invalidFields(let job, let message): "job \"\(job)\" has fields this worker cannot use: \(message)"
        case .input(let message): message
        case .output(let message): message
        case .client(let message): "cannot start the HTTP client: \(message)"
        case .invalidTime(let option, let given):
            "\(option): expected an ISO 8601 time: \(ISO8601Time.acceptedForms); got \"\(given)\""
        case .closedPipe: "the reader of standard output went away"
        case .login(let job, let message): "job \"\(job)\": \(message); this worker stops (the URLs it held go to other workers when their leases expire)"
        }
    }
}
