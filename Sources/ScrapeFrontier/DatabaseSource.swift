public import ScrapeCore

/// Where the frontier's database is: the one place its URL and password are resolved, for
/// the `scrape frontier` commands and for the daemon's fleet member alike.
///
/// 1. The URL is the text given (`--db`), else the value of ``urlVariable``
///    (`SCRAPE_DATABASE_URL` for the commands; `daemon.frontier.database_url_env` names
///    the daemon's), so a URL that may carry a password is never in a config file.
/// 2. The password is the URL's own; else, when ``passwordVariable`` is set
///    (`daemon.frontier.password_env`), that variable's, which must then be set (a secret
///    store hands the password over apart from the URL); else `PGPASSWORD`'s, as libpq reads it.
///    ``passwordVariable`` stands in for `PGPASSWORD`: with it, `PGPASSWORD` is not read.
public struct DatabaseSource: Sendable, Equatable {
    /// The URL given on the command line; nil: read ``urlVariable``.
    public var given: String?
    /// The environment variable holding the URL when none is given.
    public var urlVariable: String
    /// The environment variable holding the password when the URL has none; nil: `PGPASSWORD`.
    public var passwordVariable: String?

    /// The source `settings` name, with `given` (`--db`) in front of its variable.
    public init(given: String? = nil, settings: ScrapeConfiguration.Frontier = .init()) {
        self.given = given
        urlVariable = settings.databaseURLEnvironment
        passwordVariable = settings.passwordEnvironment
    }

    /// Why no URL could be had; each case says which setting to look at, never the password.
    public enum Problem: Error, Sendable, Equatable {
        /// None given, and the variable is unset or empty.
        case noURL(variable: String)
        /// The text did not parse; `variable` is where it came from (nil: given).
        case invalidURL(FrontierError, variable: String?)
        /// The URL has no password and the password variable is unset.
        case noPassword(variable: String)

        /// The message for a person at a terminal (`scrape frontier`, exit status 2).
        public var commandLineMessage: String {
            switch self {
            case .noURL: "\(FrontierError.noDatabaseURL)"
            case .invalidURL(let error, _): "\(error)"
            case .noPassword(let variable): "the environment variable \(variable) is not set (it holds the database password)"
            }
        }

        /// The problem as a config error naming the key of `section` (`daemon.frontier`)
        /// that names the variable.
        public func configurationError(section: String) -> ConfigurationError {
            switch self {
            case .noURL(let variable):
                ConfigurationError(key: "\(section).database_url_env", message: "the environment variable \(variable) is not set (it holds the postgres:// URL)")
            case .invalidURL(let error, let variable):
                ConfigurationError(key: "\(section).database_url_env", message: variable.map { "\($0): \(error)" } ?? "\(error)")
            case .noPassword(let variable):
                ConfigurationError(key: "\(section).password_env", message: "the environment variable \(variable) is not set")
            }
        }
    }

    /// The URL, with its password, from `environment`.
    ///
    /// - Throws: ``Problem``.
    public func resolve(in environment: [String: String]) throws(Problem) -> DatabaseURL {
        let text = given ?? environment[urlVariable] ?? ""
        guard !text.isEmpty else { throw .noURL(variable: urlVariable) }
        var url: DatabaseURL
        do {
            url = try DatabaseURL(parsing: text, environment: passwordVariable == nil ? environment : environment.filter { $0.key != "PGPASSWORD" })
        } catch {
            throw .invalidURL(error, variable: given == nil ? urlVariable : nil)
        }
        if let passwordVariable, url.password == nil {
            guard let password = environment[passwordVariable] else { throw .noPassword(variable: passwordVariable) }
            url.password = password
        }
        return url
    }
}
