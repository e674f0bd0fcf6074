public import NIOCore
import NIOPosix
import NIOSSL
import ScrapeBase
import ScrapeCore
import ScrapeAPI

/// What a stream tells its owner as it goes: the log lines of `scrape ws`, the state and
/// metrics of a daemon `ws:` job.
public enum StreamEvent: Sendable {
    /// Connection `number` (1-based) completed its handshake.
    case connected(number: Int, compression: Bool, subprotocol: String?)
    /// A connection (or an attempt) ended; `next` says what happens now.
    case ended(ConnectionEnd, next: ReconnectPolicy.Decision)
}

/// Runs one stream: connect, record, and after each end ask the ``ReconnectPolicy``
/// whether and when to connect again, until it says finish or ``stop(code:)`` is called.
public final class StreamRunner: Sendable {
    public let settings: StreamSettings
    private let recorder: StreamRecorder
    private let eventLoop: any EventLoop
    private let tls: NIOSSLContext?
    private let onEvent: @Sendable (StreamEvent) -> Void
    private let state = Locked(State())

    private struct State {
        var stopCode: UInt16?
        var current: StreamConnection?
        var wake: EventLoopPromise<Void>?
    }

    /// - Parameters:
    ///   - recorder: where records go; confined to `eventLoop` while the run lasts.
    ///   - eventLoop: the loop every connection of this stream runs on (one of NIO's shared ones by default).
    /// - Throws: ``StreamError`` when `--cacert` cannot be read as PEM.
    public init(
        settings: StreamSettings, recorder: StreamRecorder,
        eventLoop: (any EventLoop)? = nil,
        onEvent: @escaping @Sendable (StreamEvent) -> Void
    ) throws(StreamError) {
        self.settings = settings
        self.recorder = recorder
        self.eventLoop = eventLoop ?? MultiThreadedEventLoopGroup.singleton.next()
        self.onEvent = onEvent
        tls = settings.url.isSecure ? try Self.makeTLSContext(caCertificatePath: settings.caCertificatePath) : nil
    }

    /// TLS with hostname verification against the system's store, or only `path`'s certificates.
    static func makeTLSContext(caCertificatePath path: String?) throws(StreamError) -> NIOSSLContext {
        var configuration = TLSConfiguration.makeClientConfiguration()
        configuration.certificateVerification = .fullVerification
        if let path {
            do {
                configuration.trustRoots = .certificates(try NIOSSLCertificate.fromPEMFile(path))
            } catch {
                throw .unreadableFile(path, reason: "not a PEM certificate bundle (\(error))")
            }
        }
        do {
            return try NIOSSLContext(configuration: configuration)
        } catch {
            throw .invalidSetting("TLS", reason: "\(error)")
        }
    }

    /// Runs until the policy finishes the stream or ``stop(code:)`` is called.
    public func run() async -> StreamExit {
        var streak = FailureStreak<ContinuousClock.Instant>()
        var random = SystemRandomNumberGenerator()
        while true {
            if state.withLock({ $0.stopCode }) != nil { return .success }
            let before = recorder.messages  // no connection is open: the loop is not using it
            let (end, openedAt) = await connectOnce()
            if case .refused(401, _, _) = end { await settings.credentials?.unauthorized() }
            if let openedAt { streak.opened(at: openedAt) }
            // Only a connection that stayed up and delivered messages resets the budget and
            // the backoff (ReconnectPolicy.isStable): one that opens and dies soon (an idle
            // timeout, one message then a close) is a failure like a refused connect.
            let decision = streak.ended(
                end, at: .now, delivered: recorder.messages > before, policy: settings.reconnect, using: &random
            )
            onEvent(.ended(end, next: decision))
            switch decision {
            case .finish(let exit):
                return exit
            case .reconnect(let delay):
                await pause(delay)
            }
        }
    }

    /// One connection, from credentials to its end; `openedAt` is when its handshake
    /// completed (nil when it never did).
    private func connectOnce() async -> (end: ConnectionEnd, openedAt: ContinuousClock.Instant?) {
        var connectionSettings = settings
        if let credentials = settings.credentials {
            do throws(APIError) {
                (connectionSettings.url, connectionSettings.headers) = try await credentials.apply(to: settings.url, headers: settings.headers)
            } catch {
                return (.connectFailed("auth: \(error)"), nil)
            }
        }
        let openedAt = Locked<ContinuousClock.Instant?>(nil)
        let connection = StreamConnection.open(
            settings: connectionSettings, recorder: recorder, eventLoop: eventLoop, tls: tls
        ) { [onEvent, recorder] negotiated in
            openedAt.withLock { $0 = .now }
            onEvent(.connected(number: recorder.connection, compression: negotiated.deflate != nil, subprotocol: negotiated.subprotocol))
        }
        let stopCode = state.withLock { state -> UInt16? in
            state.current = connection
            return state.stopCode
        }
        if let stopCode { connection.requestStop(code: stopCode) }
        let end = (try? await connection.end.get()) ?? .dropped("the event loop shut down")
        state.withLock { $0.current = nil }
        return (end, openedAt.withLock { $0 })
    }

    /// Ends the run: the open connection closes with `code` (1000 at the end of
    /// `--duration`, 1001 on a signal or a daemon stop), a pending reconnect is skipped.
    public func stop(code: UInt16) {
        let current = state.withLock { state -> StreamConnection? in
            if state.stopCode == nil { state.stopCode = code }
            return state.current
        }
        current?.requestStop(code: code)
        takeWake()?.succeed()
    }

    /// Waits `delay`, or less when the run is stopped meanwhile.
    private func pause(_ delay: Duration) async {
        let wake = eventLoop.makePromise(of: Void.self)
        let stopped = state.withLock { state -> Bool in
            state.wake = wake
            return state.stopCode != nil
        }
        if stopped { takeWake()?.succeed() }
        let timer = eventLoop.scheduleTask(in: TimeAmount(delay)) { self.takeWake()?.succeed() }
        try? await wake.futureResult.get()
        timer.cancel()
    }

    /// The pending pause's promise, taken so that only one path completes it.
    private func takeWake() -> EventLoopPromise<Void>? {
        state.withLock { state in
            defer { state.wake = nil }
            return state.wake
        }
    }
}
