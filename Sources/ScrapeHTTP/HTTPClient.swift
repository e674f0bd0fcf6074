/// An async HTTP client whose transfers run on libcurl's multi interface.
///
/// One client owns one curl multi handle, driven by one dedicated I/O thread
/// (`CurlMultiDriver`); connections are pooled and reused across requests, HTTP/2 is
/// used over TLS when offered. ``execute(_:)`` may be called from any number of tasks
/// at once: it validates the request on the caller's task, hands it to the I/O thread
/// and suspends until curl finishes it. Task cancellation aborts the transfer.
///
/// The actor guards only the client's lifecycle; requests do not hop through it, so it
/// is never a bottleneck.
///
/// ```swift
/// let client = try HTTPClient()
/// let response = try await client.execute(FetchRequest(url: "https://example.com/"))
/// await client.shutdown()
/// ```
///
/// - Important: call ``shutdown()`` when done. A client dropped without it still stops
///   its thread, but in-flight requests are then failed without being awaited.
public actor HTTPClient {
    private enum State {
        case running
        case shuttingDown
        case shutDown
    }

    /// The settings this client was created with.
    public nonisolated let configuration: Configuration
    private nonisolated let driver: CurlMultiDriver
    private var state = State.running

    /// Creates a client and starts its I/O thread.
    ///
    /// - Throws: `HTTPClientError`: `invalid_request` when the user agent could inject
    ///   headers, `transport` when libcurl cannot be initialised or the thread cannot be started.
    public init(configuration: Configuration = Configuration()) throws(HTTPClientError) {
        // A second line of defence: config and flags are checked where they enter.
        guard HTTPHeaders.isValidValue(configuration.userAgent) else {
            throw .invalidRequest("the user agent has CR, LF or NUL; it would inject headers")
        }
        self.configuration = configuration
        self.driver = try CurlMultiDriver(configuration: configuration)
    }

    deinit {
        driver.requestStop()
    }

    /// Performs one request and returns the final response after redirects.
    ///
    /// Any HTTP status, 4xx and 5xx included, is a response; only failures to get one throw.
    ///
    /// - Parameter request: the request; its URL must be absolute `http` or `https`.
    /// - Returns: the final response, its body decoded and at most `limits.maxBodyBytes` long.
    /// - Throws: `CancellationError` when the calling task is cancelled (the transfer is
    ///   aborted and its connection not reused); otherwise `HTTPClientError`, whose `kind` is
    ///   `invalid_url`, `unsupported_scheme`, `invalid_request`, `dns`, `connect`, `tls`,
    ///   `timeout`, `too_many_redirects`, `too_large`, `transport`, or `cancelled` for
    ///   ``HTTPClientError/clientShutdown`` after ``shutdown()``.
    public nonisolated func execute(_ request: FetchRequest) async throws -> FetchResponse {
        try await execute(FetchRequest.Prepared(request, maxURLLength: configuration.limits.maxURLLength))
    }

    /// Performs a request validated beforehand; see ``execute(_:)-(FetchRequest)``.
    public nonisolated func execute(_ prepared: FetchRequest.Prepared) async throws -> FetchResponse {
        let transfer = Transfer(request: prepared, proxy: carrier(of: prepared))
        let driver = self.driver
        let completed = try await withTaskCancellationHandler {
            try await withUnsafeThrowingContinuation { continuation in
                if transfer.start(continuation), !driver.submit(transfer) {
                    transfer.finish(.failure(.clientShutdown))
                }
            }
        } onCancel: {
            if transfer.cancel() { driver.cancel(transfer) }
        }
        return FetchResponse(completed)
    }

    /// Cancels every request in flight (they throw ``HTTPClientError/clientShutdown``), stops
    /// the I/O thread and frees every curl handle on it.
    ///
    /// Idempotent: later and concurrent calls return once the first has finished. After it,
    /// ``execute(_:)`` throws ``HTTPClientError/clientShutdown``.
    public func shutdown() async {
        switch state {
        case .running:
            state = .shuttingDown
            await driver.shutdown()
            state = .shutDown
        case .shuttingDown:
            await driver.shutdown()
        case .shutDown:
            return
        }
    }

    /// Waits for one turn of the I/O loop: true when the engine is alive, false after
    /// ``shutdown()``. It never returns while the loop is wedged, so callers put their own
    /// deadline on it (the daemon's watchdog and `/healthz` do).
    public nonisolated func heartbeat() async -> Bool {
        await driver.heartbeat()
    }

    /// Counters of the underlying driver, for tests and benchmarks.
    public nonisolated var statistics: Statistics {
        let snapshot = driver.currentStatistics
        return Statistics(runningTransfers: snapshot.running, easyHandlesCreated: snapshot.easyHandlesCreated)
    }

    /// A snapshot of the client's internal counters.
    public struct Statistics: Sendable {
        /// Transfers attached to curl right now (cancelled ones leave within one loop turn).
        public var runningTransfers: Int
        /// Easy handles created so far; pooling keeps this near the peak concurrency.
        public var easyHandlesCreated: Int
    }

    /// The version of the libcurl in use, e.g. `7.88.1`.
    public static var curlVersion: String { CurlGlobal.version }
}
