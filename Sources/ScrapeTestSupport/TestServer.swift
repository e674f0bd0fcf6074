import Hummingbird
import Logging
import NIOCore
import ServiceLifecycle

/// An in-process HTTP/1.1 server on `127.0.0.1`, on a free port, for loopback tests.
///
/// Built like Hummingbird's own `TestApplication`: the application runs in a
/// `ServiceGroup` inside the test's task, its port is read in `onServerRunning`, and
/// it is shut down gracefully when the test body returns. Routes are HTTPBin-style
/// (`TestServer+Routes.swift`); every request is recorded in ``log``.
public struct TestServer: Sendable {
    /// The port the server listens on.
    public let port: Int
    /// Every request the server has received.
    public let log: RequestLog

    /// `http://127.0.0.1:PORT`: the IPv4 literal, so curl never tries `::1` first.
    public var baseURL: String { "http://127.0.0.1:\(port)" }

    /// The absolute URL of `path` (which starts with `/`).
    public func url(_ path: String) -> String { baseURL + path }

    /// Runs `body` with a fresh server, then shuts the server down.
    ///
    /// - Parameter body: the test; the server lives exactly as long as it runs.
    /// - Returns: what `body` returns.
    public static func withRunning<Result: Sendable>(
        _ body: @Sendable (TestServer) async throws -> Result
    ) async throws -> Result {
        let log = RequestLog()
        let router = Router(context: TestRequestContext.self)
        router.add(middleware: RecordingMiddleware(log: log))
        Routes.register(on: router)
        var logger = Logger(label: "scrape.test-server")
        logger.logLevel = .critical

        return try await LoopbackApplication.withRunning(logger: logger) { onServerRunning in
            Application(
                router: router,
                configuration: .init(address: .hostname("127.0.0.1", port: 0), serverName: "scrape-test"),
                onServerRunning: onServerRunning,
                logger: logger
            )
        } _: { port in
            try await body(TestServer(port: port, log: log))
        }
    }
}

/// Why the test server could not serve.
public enum TestServerError: Error {
    /// The application stopped before reporting its port.
    case didNotStart
}

/// Records each request in the ``RequestLog`` before routing it.
struct RecordingMiddleware: RouterMiddleware {
    typealias Context = TestRequestContext
    let log: RequestLog

    func handle(
        _ request: Request,
        context: Context,
        next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        log.record(path: request.uri.path, remotePort: context.remotePort)
        return try await next(request, context)
    }
}
