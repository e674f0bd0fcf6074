public import ScrapeBase
public import ScrapeCore
import Synchronization
public import ScrapeHTTP
import ScrapeHTML

/// A run's login (`login:`): done once before the run's first request, and again once
/// whenever pages find the session ended, however many find it at the same time.
///
/// Each login starts a new *generation*. A page remembers the generation it was fetched
/// under; when it finds itself logged out it asks ``renew(after:)`` with that number: if a
/// newer login already happened (another page found the end first), it just fetches again;
/// else it starts the one new login, which every other page that finds the same end waits
/// for. A login that fails is kept: every later ``renew(after:)`` fails with it at once, and
/// the run stops (``failure``).
///
/// The requests go through ``Send``, which the run gives: it carries the run's cookie jar,
/// so what the login sets is what the pages send.
public actor LoginSession {
    /// Sends one request of the login with the run's client and cookie jar; follows redirects.
    public typealias Send = @Sendable (FetchRequest) async throws -> FetchResponse

    /// The login with its secrets read.
    private let login: ScrapeConfiguration.Login
    private let values: [HTMLForm.Value]
    private let formSelector: CSSSelector?
    private let jsonBody: [UInt8]?
    /// The test of every page, and of the page a login lands on.
    public nonisolated let loggedOut: LoggedOutTest
    private let send: Send

    /// The current session's number: 0 before the first login.
    public private(set) var generation = 0
    /// Logins done, the first included (the run summary and tests count them).
    public private(set) var logins = 0
    /// Why the last login failed; once set, the session is over.
    public private(set) var failure: LoginError?
    /// Set with ``failure``, readable without waiting: the run's intake closes on it.
    public nonisolated let ended = AtomicFlag()
    private var inFlight: Task<Result<Int, LoginError>, Never>?
    /// The newest generation under which a page did not show logged out.
    private nonisolated let lastServed = Atomic<Int>(0)

    /// New logins one attempt at a page may ask for before the page is written as
    /// `logged_out`: a session may end again while a page waits for the next (sessions that
    /// last N pages), so one is not enough; a page that shows logged out whatever happens
    /// is bounded by it, and by ``maximumIdleLogins`` across pages.
    public static let renewalsPerAttempt = 3
    /// Logins in a row under which no page was served: the next is not made, and the run
    /// stops. Logins that work while every page still shows logged out mean `logged_out`
    /// matches pages of a live session (or the site refuses the client): logging in
    /// again and again would only hammer the site.
    public static let maximumIdleLogins = 3

    /// Reads the secrets and compiles the selectors: what is wrong here is the config's
    /// (exit 2), before anything is sent.
    ///
    /// - Parameter key: where `login` is in the config (`login`, `jobs[2].login`), for errors.
    /// - Throws: ``ConfigurationError``: an unset variable, an unreadable file, a selector
    ///   that does not compile.
    public init(_ login: ScrapeConfiguration.Login, key: String = "login", send: @escaping Send) throws(ConfigurationError) {
        self.login = login
        self.send = send
        loggedOut = try LoggedOutTest(login.loggedOut, key: "\(key).logged_out")
        switch login.submission {
        case .form(let fields, let selector):
            var values: [HTMLForm.Value] = []
            for field in fields {
                switch field.value {
                case .literal(let text): values.append(.init(name: field.name, value: text, isSecret: false))
                case .secret(let secret):
                    values.append(.init(name: field.name, value: try secret.resolve(key: "\(key).form.\(field.name)"), isSecret: true))
                }
            }
            self.values = values
            do throws(SelectorError) {
                formSelector = try selector.map(CSSSelector.init)
            } catch {
                throw ConfigurationError(key: "\(key).form_selector", message: "\(error)")
            }
            jsonBody = nil
        case .json(_, let body, let secrets):
            var document = body
            for secret in secrets {
                document = document.setting(.string(try secret.secret.resolve(key: "\(key).json.\(secret.name)")), at: [secret.name])
            }
            values = []
            formSelector = nil
            jsonBody = document.encoded
        }
    }

    /// The first login of the run.
    ///
    /// - Returns: the session's generation.
    /// - Throws: ``LoginError``: the run must not start.
    public func start() async throws(LoginError) -> Int {
        try await renew(after: generation)
    }

    /// The current session's generation, logging in first if nobody has yet (an API job's
    /// first page logs in).
    ///
    /// - Throws: ``LoginError`` when that login fails, or an earlier one did.
    public func ready() async throws(LoginError) -> Int {
        if let failure { throw failure }
        return generation > 0 ? generation : try await renew(after: 0)
    }

    /// A page fetched under `seen` found the session ended: log in again unless a newer
    /// login already did (or is doing) so.
    ///
    /// - Returns: the generation to fetch the page again under.
    /// - Throws: ``LoginError`` when the login fails (now or before): the run stops.
    public func renew(after seen: Int) async throws(LoginError) -> Int {
        if let failure { throw failure }
        if generation > seen { return generation }
        let task: Task<Result<Int, LoginError>, Never>
        if let inFlight {
            task = inFlight
        } else {
            task = Task { await self.performLogin() }
            inFlight = task
        }
        return try await task.value.get()
    }

    /// Notes that a page fetched under `generation` did not show logged out: the session
    /// served it. Lock-free: every page of a run with a login calls it.
    public nonisolated func served(under generation: Int) {
        var seen = lastServed.load(ordering: .relaxed)
        while generation > seen {
            let (exchanged, current) = lastServed.compareExchange(expected: seen, desired: generation, ordering: .relaxed)
            if exchanged { return }
            seen = current
        }
    }

    /// One login, recorded: a new generation, or the failure that ends the session.
    private func performLogin() async -> Result<Int, LoginError> {
        defer { inFlight = nil }
        if generation - lastServed.load(ordering: .relaxed) >= Self.maximumIdleLogins {
            return fail(
                LoginError(
                    step: .landing,
                    reason: "the last \(Self.maximumIdleLogins) logins worked, but every page fetched since still showed logged out: "
                        + "logged_out matches pages of a live session, or the site refuses this client; not logging in again"))
        }
        logins += 1
        do throws(LoginError) {
            try await exchange()
        } catch {
            return fail(error)
        }
        generation += 1
        return .success(generation)
    }

    /// Ends the session with `error`.
    private func fail(_ error: LoginError) -> Result<Int, LoginError> {
        failure = error
        ended.set()
        return .failure(error)
    }

    /// The login's requests and the checks of their answers.
    private func exchange() async throws(LoginError) {
        let landing: FetchResponse
        if let jsonBody, case .json(let method, _, _) = login.submission {
            let request = FetchRequest(
                url: login.url, method: .init(rawValue: method),
                headers: ["Content-Type": "application/json", "Accept": "application/json"], body: jsonBody)
            landing = try await fetch(request, step: .submit)
            try Self.checkStatus(landing, step: .submit, what: "\(method) \(login.url)")
        } else {
            let page = try await fetch(FetchRequest(url: login.url), step: .loginPage)
            try Self.checkStatus(page, step: .loginPage, what: "the login page \(login.url)")
            var form: HTMLForm
            do throws(HTMLForm.FindError) {
                form = try HTMLForm.find(body: page.body, contentType: page.contentType, url: page.finalURL, selector: formSelector)
            } catch {
                throw LoginError(step: .form, reason: "\(error) (at \(page.finalURL))")
            }
            do throws(HTMLForm.FillError) {
                try form.fill(values)
            } catch {
                throw LoginError(step: .fill, reason: "\(error)", isConfiguration: true)
            }
            let submission = form.submission(boundary: "scrape" + String(UInt64.random(in: .min ... .max), radix: 16))
            var headers: HTTPHeaders = ["Referer": page.finalURL]
            if let origin = Self.origin(of: page.finalURL) { headers.add(name: "Origin", value: origin) }
            if let type = submission.contentType { headers.add(name: "Content-Type", value: type) }
            let request = FetchRequest(
                url: submission.url, method: submission.method == .post ? .post : .get, headers: headers, body: submission.body)
            landing = try await fetch(request, step: .submit)
            try Self.checkStatus(landing, step: .submit, what: "the form's \(submission.method.rawValue) to \(Self.withoutQuery(submission.url))")
        }
        if let why = loggedOut.match(landing) {
            throw LoginError(step: .landing, reason: "the page it led to (\(landing.finalURL)) still shows logged out: \(why)")
        }
    }

    private func fetch(_ request: FetchRequest, step: LoginError.Step) async throws(LoginError) -> FetchResponse {
        do {
            return try await send(request)
        } catch let error as HTTPClientError {
            throw LoginError(step: step, reason: "\(error)")
        } catch {
            throw LoginError(step: step, reason: "cancelled")
        }
    }

    /// A 4xx or 5xx answer is a failed step.
    private static func checkStatus(_ response: FetchResponse, step: LoginError.Step, what: String) throws(LoginError) {
        guard response.status < 400 else {
            throw LoginError(step: step, reason: "\(what) answered \(response.status)")
        }
    }

    /// `scheme://host[:port]` of an absolute URL, as a browser's `Origin` header says it.
    static func origin(of url: String) -> String? {
        guard let parsed = WebURL(url), parsed.scheme == "http" || parsed.scheme == "https" else { return nil }
        return parsed.origin
    }

    /// A GET form's URL carries the entries, a password among them: messages show it without.
    static func withoutQuery(_ url: String) -> String {
        url.firstIndex(of: "?").map { String(url[..<$0]) } ?? url
    }
}

extension LoginSession {
    /// Why a run's session could not start.
    public enum StartFailure: Error {
        /// `login:` cannot be used (exit 2): a secret not set, a selector that does not compile.
        case settings(ConfigurationError)
        /// The first login did not give a session.
        case login(LoginError)
    }

    /// A run's session, logged in, sending with `client` and the run's headers and cookie
    /// jar (`defaults`); nil without `login:`. Runs call this before they open their output,
    /// so a run that cannot log in leaves it as it was.
    public static func start(
        _ login: ScrapeConfiguration.Login?, key: String, client: HTTPClient, defaults: RequestDefaults
    ) async throws(StartFailure) -> LoginSession? {
        guard let login else { return nil }
        let session: LoginSession
        do throws(ConfigurationError) {
            session = try LoginSession(login, key: key) { request in try await client.execute(defaults.applied(to: request)) }
        } catch {
            throw .settings(error)
        }
        do throws(LoginError) {
            _ = try await session.start()
        } catch {
            throw .login(error)
        }
        return session
    }

    /// A run's intake with `session`: closed, as a drain closes it, once a login fails (so
    /// nothing more starts), and whenever `intake` is.
    public static func intake(_ session: LoginSession?, over intake: (@Sendable () -> Bool)?) -> (@Sendable () -> Bool)? {
        guard let session else { return intake }
        return { !session.ended.isSet && (intake?() ?? true) }
    }
}
