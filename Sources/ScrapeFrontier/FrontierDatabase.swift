public import Logging
import NIOCore
import NIOPosix
import NIOSSL
public import PostgresNIO
import ScrapeBase
import ScrapeCore
public import ScrapeResilience

/// One PostgreSQL connection that outlives the server's restarts.
///
/// Every statement of the frontier is one round trip through ``run(_:)``: a lost
/// connection (PostgreSQL restarting, a network cut, a failover) is reopened with backoff
/// and the statement sent again, so callers pause rather than fail. The frontier's
/// statements are safe to repeat: a claim whose answer was lost leaves leases that expire,
/// a finish whose answer was lost matches no lease the second time. Only when the server
/// stays unreachable for ``Configuration/unreachableTimeout`` does ``run(_:)`` throw
/// ``FrontierError/databaseUnreachable(url:waited:lastError:)``. Errors the server
/// reports about a statement are not retried (but deadlocks and serialization failures).
public actor FrontierDatabase {
    public struct Configuration: Sendable {
        public var url: DatabaseURL
        /// How long the server may stay unreachable before ``run(_:)`` gives up: no attempt
        /// and no pause between attempts goes past it. Default: a worker's
        /// (``ScrapeConfiguration/Frontier/unreachableTimeout``).
        public var unreachableTimeout: Duration = ScrapeConfiguration.Frontier().unreachableTimeout
        /// What sets ``unreachableTimeout`` (`--unreachable-timeout`), named when it runs
        /// out; nil where it is fixed (the commands other than `work`).
        public var unreachableTimeoutSetting: String?
        /// Longest a connection attempt may take (PostgresNIO's connect timeout), within
        /// what is left of ``unreachableTimeout``.
        public var connectTimeout: Duration = .seconds(10)
        /// Pauses between reconnects (full jitter).
        public var reconnectBackoff = Backoff(initial: .milliseconds(100), maximum: .seconds(5))
        /// Shown in `pg_stat_activity`.
        public var applicationName = "scrape"

        public init(url: DatabaseURL) {
            self.url = url
        }
    }

    public nonisolated let configuration: Configuration
    private nonisolated let logger: Logger
    private var connection: PostgresConnection?
    private var connecting: Task<PostgresConnection, any Error>?
    private var connectionCount = 0
    /// Called once when the server is lost and once when it is back (the worker's log lines).
    /// Shared with siblings: the server is one, however many connections see it go.
    private nonisolated let availability: Availability

    public init(
        configuration: Configuration, logger: Logger = Logger(label: "scrape.frontier.db"),
        onAvailability: (@Sendable (_ available: Bool, _ detail: String) -> Void)? = nil
    ) {
        self.configuration = configuration
        self.logger = logger
        self.availability = Availability(onChange: onAvailability)
    }

    /// Runs `body` on the connection, reconnecting and repeating it after connection
    /// failures (see the type's documentation); a body that is not `repeatable` (it has
    /// effects outside the database, as an export's output) fails at the first.
    @discardableResult
    public func run<Result: Sendable>(
        repeatable: Bool = true, _ body: @Sendable (PostgresConnection) async throws -> Result
    ) async throws(FrontierError) -> Result {
        var attempt = 0
        var failing = false
        var generator = SystemRandomNumberGenerator()
        while true {
            let started = ContinuousClock.now
            let connecting = connection == nil || connection?.isClosed == true
            do {
                let connection = try await connected()
                let result = try await body(connection)
                if failing {
                    failing = false
                    availability.connectionBack()
                }
                return result
            } catch {
                if Task.isCancelled { throw .database("cancelled") }
                if let error = error as? FrontierError { throw error }
                if let transaction = error as? PostgresTransactionError, let inner = transaction.closureError as? FrontierError { throw inner }
                guard let failure = DatabaseFailure(error), failure.isTransient, repeatable else {
                    throw .database(DatabaseFailure(error)?.message ?? "\(error)")
                }
                await dropConnection()
                let now = ContinuousClock.now
                if !failing {
                    failing = true
                    // Unreachable since the attempt to connect began (a connect timeout is
                    // time without the server too); a connection lost mid-statement, since now.
                    availability.connectionLost(failure.message, at: connecting ? started : now)
                }
                let deadline = (availability.since ?? now) + configuration.unreachableTimeout
                if now >= deadline {
                    throw .databaseUnreachable(
                        url: configuration.url.description, waited: now - (availability.since ?? now), lastError: failure.message,
                        setting: configuration.unreachableTimeoutSetting)
                }
                attempt += 1
                // The last pause ends at the deadline, for one last attempt there.
                let delay = min(configuration.reconnectBackoff.delay(afterAttempt: attempt, using: &generator), deadline - now)
                logger.debug("database unavailable; retrying", metadata: ["error": "\(failure.message)", "delay_ms": "\(delay.inMilliseconds)"])
                do {
                    try await Task.sleep(for: delay)
                } catch {
                    throw .database("cancelled")
                }
            }
        }
    }

    /// A database with the same settings and its own connection (the worker writes
    /// completions on one while it claims on the other).
    public nonisolated func sibling() -> FrontierDatabase {
        FrontierDatabase(configuration: configuration, logger: logger, availability: availability)
    }

    private init(configuration: Configuration, logger: Logger, availability: Availability) {
        self.configuration = configuration
        self.logger = logger
        self.availability = availability
    }

    /// Opens a connection of its own, for `LISTEN` (a listening connection cannot run the
    /// worker's statements in between). The caller closes it.
    public func openDedicatedConnection() async throws -> PostgresConnection {
        connectionCount += 1
        return try await Self.connect(configuration, id: connectionCount, timeout: connectTimeout(), logger: logger)
    }

    /// ``Configuration/connectTimeout``, or less while the server is away: what is left
    /// of ``Configuration/unreachableTimeout`` (at least 100 ms, for one last try).
    private func connectTimeout() -> Duration {
        guard let since = availability.since else { return configuration.connectTimeout }
        let left = since + configuration.unreachableTimeout - .now
        return max(.milliseconds(100), min(configuration.connectTimeout, left))
    }

    /// Closes the connection (the end of a command).
    public func close() async {
        await dropConnection()
    }

    private func connected() async throws -> PostgresConnection {
        if let connection, !connection.isClosed { return connection }
        if let connecting { return try await connecting.value }
        connectionCount += 1
        let timeout = connectTimeout()
        let task = Task { [configuration, logger, connectionCount] in
            try await Self.connect(configuration, id: connectionCount, timeout: timeout, logger: logger)
        }
        connecting = task
        defer { connecting = nil }
        let opened = try await task.value
        connection = opened
        return opened
    }

    private func dropConnection() async {
        guard let old = connection else { return }
        connection = nil
        try? await old.close()
    }

    static func connect(_ configuration: Configuration, id: Int, timeout: Duration, logger: Logger) async throws -> PostgresConnection {
        let url = configuration.url
        let tls: PostgresConnection.Configuration.TLS
        switch url.tls {
        case .disable:
            tls = .disable
        case .prefer, .require:
            var settings = TLSConfiguration.makeClientConfiguration()
            settings.certificateVerification = .none  // libpq's prefer/require check no certificate
            let context = try NIOSSLContext(configuration: settings)
            tls = url.tls == .prefer ? .prefer(context) : .require(context)
        case .verifyFull:
            tls = .require(try NIOSSLContext(configuration: .makeClientConfiguration()))
        }
        var postgres = PostgresConnection.Configuration(
            host: url.host, port: url.port, username: url.user, password: url.password, database: url.database, tls: tls)
        postgres.options.connectTimeout = .milliseconds(timeout.inMilliseconds)
        postgres.options.additionalStartupParameters = [("application_name", configuration.applicationName)]
        return try await PostgresConnection.connect(configuration: postgres, id: id, logger: logger)
    }
}

/// Whether the server is reachable, as the connections of one database and its siblings
/// see it: lost when the first of them fails, back when the last failing one succeeds,
/// so a restart is reported once, not once per connection.
final class Availability: Sendable {
    private struct State {
        var failing = 0
        var since: ContinuousClock.Instant?
    }

    private let state = Locked(State())
    private let onChange: (@Sendable (_ available: Bool, _ detail: String) -> Void)?

    init(onChange: (@Sendable (_ available: Bool, _ detail: String) -> Void)?) {
        self.onChange = onChange
    }

    /// When the server was first lost, while it is.
    var since: ContinuousClock.Instant? { state.withLock { $0.since } }

    func connectionLost(_ detail: String, at now: ContinuousClock.Instant) {
        let first = state.withLock { state -> Bool in
            state.failing += 1
            guard state.since == nil else { return false }
            state.since = now
            return true
        }
        if first { onChange?(false, detail) }
    }

    func connectionBack() {
        let since = state.withLock { state -> ContinuousClock.Instant? in
            state.failing -= 1
            guard state.failing == 0, let since = state.since else { return nil }
            state.since = nil
            return since
        }
        if let since { onChange?(true, "after \(Int((ContinuousClock.now - since).inSeconds)) s") }
    }
}

/// A database error sorted into "wait and repeat" or "tell the user", with a message
/// that names the server's complaint (PSQLError's own description hides it).
struct DatabaseFailure {
    let isTransient: Bool
    let message: String

    /// nil for errors that are not the database's (cancellation).
    init?(_ error: any Error) {
        if error is CancellationError { return nil }
        if let transaction = error as? PostgresTransactionError {
            guard let inner = transaction.closureError ?? transaction.beginError ?? transaction.commitError ?? transaction.rollbackError,
                let failure = DatabaseFailure(inner)
            else { return nil }
            self = failure
            return
        }
        if error is PostgresDecodingError {
            isTransient = false  // a bug: the schema and this scrape disagree
            message = "\(error)"
            return
        }
        guard let error = error as? PSQLError else {
            isTransient = true  // NIO's connect and I/O errors
            message = "\(error)"
            return
        }
        switch error.code {
        case .server:
            let state = error.serverInfo?[.sqlState] ?? ""
            var text = error.serverInfo?[.message] ?? "server error"
            if let detail = error.serverInfo?[.detail] { text += " (\(detail))" }
            message = "\(text) [SQLSTATE \(state)]"
            // 08: connection exceptions; 57P0x: shutting down or starting up; 53300: too
            // many connections; 40001/40P01: serialization failure, deadlock (repeat).
            isTransient = state.hasPrefix("08") || state.hasPrefix("57P") || state == "53300" || state == "40001" || state == "40P01"
        case .connectionError where error.underlying is NIOSSLError:
            // A certificate that does not verify will not verify on the next try either.
            isTransient = false
            message = "TLS with the server failed (sslmode verify-full checks the certificate against the system's roots and the host name): \(error.underlying.map { "\($0)" } ?? "")"
        case .sslUnsupported:
            // Asking again gets the same answer.
            isTransient = false
            message = "the server does not support TLS, which sslmode=require and verify-full need (sslmode=prefer connects without it)"
        case .failedToAddSSLHandler:
            isTransient = false
            message = "TLS could not be set up for the connection: \(error.underlying.map { "\($0)" } ?? "")"
        case .authMechanismRequiresPassword:
            isTransient = false
            message = "the server asks for a password: give it in the URL or in PGPASSWORD"
        case .unsupportedAuthMechanism:
            isTransient = false
            message = "the server asks for an authentication method scrape does not speak (it speaks password, md5 and scram-sha-256)"
        case .connectionError, .serverClosedConnection, .clientClosedConnection, .uncleanShutdown:
            isTransient = true
            message = error.underlying.map { "\(error.code): \($0)" } ?? "\(error.code)"
        default:
            isTransient = false
            message = error.underlying.map { "\(error.code): \($0)" } ?? "\(error.code)"
        }
    }
}
