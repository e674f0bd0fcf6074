public import ScrapeCore
public import ScrapeHTTP

/// What a page run (`scrape run`, `scrape crawl`) opens between its session and its output:
/// the client, and the login. Both runs start so, in this order: the session's jar must
/// exist for the login to fill it, and the login comes before the output is opened, so a
/// run that cannot log in leaves an earlier output as it was.
public struct RunStart: Sendable {
    /// The shared client given, or one made for the run (which shuts it down at its end).
    public let client: HTTPClient
    /// The run's login, logged in; nil without `login:`.
    public let login: LoginSession?

    /// Why a run could not start; what was opened is closed again (the session too).
    public enum Failure: Error {
        case client(HTTPClientError)
        /// `login:` cannot be used (exit 2): a secret not set, a selector that does not compile.
        case loginSettings(ConfigurationError)
        /// The first login did not give a session.
        case login(LoginError)
    }

    /// Takes `shared` or makes a client from `http`, then logs in (`login`) with the
    /// session's headers and jar.
    ///
    /// - Parameter loginKey: where `login` is in the config, for messages.
    public static func open(
        http: ScrapeConfiguration.HTTP, shared: HTTPClient?, login: ScrapeConfiguration.Login?, loginKey: String, session: RunSession
    ) async throws(Failure) -> RunStart {
        let client: HTTPClient
        if let shared {
            client = shared
        } else {
            do throws(HTTPClientError) {
                client = try HTTPClient(configuration: http.clientConfiguration)
            } catch {
                try? session.close()
                throw .client(error)
            }
        }
        do throws(LoginSession.StartFailure) {
            let loginSession = try await LoginSession.start(login, key: loginKey, client: client, defaults: session.defaults)
            return RunStart(client: client, login: loginSession)
        } catch {
            if shared == nil { await client.shutdown() }
            try? session.close()
            switch error {
            case .settings(let error): throw .loginSettings(error)
            case .login(let error): throw .login(error)
            }
        }
    }
}
