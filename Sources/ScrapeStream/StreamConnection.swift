import NIOCore
import NIOPosix
import NIOSSL
import ScrapeCore
import ScrapeBase

/// One connection attempt: TCP, TLS for `wss://`, the handshake, then frames until it ends.
/// ``end`` completes exactly once with how it ended, and only once the channel is closed
/// and the output flushed: the runner may then touch the recorder without a race.
///
/// Confined to its event loop (the handlers call it there; ``requestStop(code:)`` hops
/// there), hence `@unchecked Sendable`.
final class StreamConnection: @unchecked Sendable {
    let settings: StreamSettings
    let recorder: StreamRecorder
    let eventLoop: any EventLoop
    /// Completes with how the connection ended.
    var end: EventLoopFuture<ConnectionEnd> { promise.futureResult }
    private let promise: EventLoopPromise<ConnectionEnd>
    private let onOpen: @Sendable (Negotiated) -> Void
    /// How it ended, as first reported; the promise completes when the channel is gone.
    private var reported: ConnectionEnd?
    private var completed = false
    private var channel: (any Channel)?
    private var stopCode: UInt16?
    /// Set by the ``FrameHandler`` once the handshake succeeded, to start a close.
    var frameHandler: NIOLoopBound<FrameHandler>?
    var context: NIOLoopBound<ChannelHandlerContext>?

    private init(settings: StreamSettings, recorder: StreamRecorder, eventLoop: any EventLoop, onOpen: @escaping @Sendable (Negotiated) -> Void) {
        self.settings = settings
        self.recorder = recorder
        self.eventLoop = eventLoop
        self.onOpen = onOpen
        promise = eventLoop.makePromise()
    }

    /// Starts connecting; watch ``end``.
    ///
    /// - Parameters:
    ///   - tls: the TLS context for `wss://` URLs (nil for `ws://`).
    ///   - onOpen: called on the event loop when the handshake succeeded.
    static func open(
        settings: StreamSettings, recorder: StreamRecorder, eventLoop: any EventLoop, tls: NIOSSLContext?,
        onOpen: @escaping @Sendable (Negotiated) -> Void
    ) -> StreamConnection {
        let connection = StreamConnection(settings: settings, recorder: recorder, eventLoop: eventLoop, onOpen: onOpen)
        let handshake = Handshake(
            url: settings.url, headers: settings.headers, subprotocol: settings.subprotocol,
            offerCompression: settings.compression, userAgent: settings.userAgent
        )
        let url = settings.url
        let bootstrap = ClientBootstrap(group: eventLoop)
            .connectTimeout(TimeAmount(settings.connectTimeout))
            .channelOption(.tcpOption(.tcp_nodelay), value: 1)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    if let tls {
                        let handler = try NIOSSLClientHandler(context: tls, serverHostname: url.hostIsAddress ? nil : url.host)
                        try channel.pipeline.syncOperations.addHandler(handler)
                    }
                    try channel.pipeline.syncOperations.addHandler(HandshakeHandler(handshake: handshake, connection: connection))
                }
            }
        bootstrap.connect(host: url.host, port: url.port).whenComplete { result in
            switch result {
            case .success(let channel):
                connection.channel = channel
                if connection.stopCode != nil { channel.close(promise: nil) }
            case .failure(let error):
                let reason = SocketFailure(error).description
                connection.finish(.connectFailed(reason))
                connection.complete(otherwise: .connectFailed(reason))
            }
        }
        return connection
    }

    /// The handshake succeeded: count the connection, then tell the runner.
    func opened(_ negotiated: Negotiated) {
        recorder.connection += 1
        onOpen(negotiated)
    }

    /// Records how the connection ended; only the first report counts.
    func finish(_ end: ConnectionEnd) {
        eventLoop.preconditionInEventLoop()
        if reported == nil { reported = end }
    }

    /// The channel is closed (or never opened): completes ``end`` with the first report,
    /// or `otherwise` when nothing was reported. A stop request turns any end but an
    /// output failure into ``ConnectionEnd/stopped``.
    func complete(otherwise: ConnectionEnd) {
        eventLoop.preconditionInEventLoop()
        guard !completed else { return }
        completed = true
        // The channel, its handlers and this object point at each other; let go of the
        // channel's side, or every connection (and the run's recorder) would leak.
        frameHandler = nil
        context = nil
        channel = nil
        let end = reported ?? otherwise
        promise.succeed(stopCode != nil && !end.isFinal ? .stopped : end)
    }

    /// Ends the connection because the run is over: a close frame with `code` on an open
    /// connection (then the close handshake), or just the socket before that.
    func requestStop(code: UInt16) {
        eventLoop.execute {
            guard self.stopCode == nil else { return }
            self.stopCode = code
            if let handler = self.frameHandler, let context = self.context {
                handler.value.close(context: context.value, code: code, end: .stopped)
            } else {
                // Connecting or mid-handshake: the channel's end completes the connection.
                self.channel?.close(promise: nil)
            }
        }
    }
}

extension ConnectionEnd {
    /// Whether this end is the run's end regardless of a stop request (an output failure).
    var isFinal: Bool {
        if case .outputFailed = self { return true }
        return false
    }
}
