import NIOCore
import NIOPosix
import NIOSSL
import ScrapeCore
import ScrapeBase
import ScrapeHTTP

/// One connection attempt: TCP, TLS for `wss://`, the handshake, then frames until it ends.
/// ``end`` completes exactly once with how it ended, and only once the channel is closed
/// and the output flushed: the runner may then touch the recorder without a race.
///
/// What happens when is decided by its ``StateMachine``; this class holds it, feeds it the
/// bootstrap's, the handlers' and the runner's events, and performs the actions it returns.
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
    /// Touched only on `eventLoop`.
    private var state = StateMachine<any Channel>()

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
        // TLS (wss://) and the WebSocket handshake: first in the pipeline, or after a proxy's tunnel.
        let addConnectionHandlers: @Sendable (ChannelPipeline.SynchronousOperations, (any ChannelHandler)?) throws -> Void = { pipeline, after in
            var last = after
            if let tls {
                let handler = try NIOSSLClientHandler(context: tls, serverHostname: url.hostIsAddress ? nil : url.host)
                if let last { try pipeline.addHandler(handler, position: .after(last)) } else { try pipeline.addHandler(handler) }
                last = handler
            }
            let handshakeHandler = HandshakeHandler(handshake: handshake, connection: connection)
            if let last { try pipeline.addHandler(handshakeHandler, position: .after(last)) } else { try pipeline.addHandler(handshakeHandler) }
        }
        let proxy = settings.proxy
        let bootstrap = ClientBootstrap(group: eventLoop)
            .connectTimeout(TimeAmount(settings.connectTimeout))
            .channelOption(.tcpOption(.tcp_nodelay), value: 1)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    if let proxy {
                        try channel.pipeline.syncOperations.addHandler(
                            ProxyConnectHandler(proxy: proxy, target: url, connection: connection) { pipeline, handler in
                                try addConnectionHandlers(pipeline, handler)
                            })
                    } else {
                        try addConnectionHandlers(channel.pipeline.syncOperations, nil)
                    }
                }
            }
        // Only a failure is taken from here. Success is told by the handshake handler as the
        // channel becomes active: this callback is registered from the runner's thread, and
        // under load it can run after the handshake already succeeded; the pipeline's own
        // events come in order. (A channel that lost a happy-eyeballs race never becomes
        // active, so only the winner is ever ours.)
        let (host, port) = proxy.map { ($0.host.trimmingCharacters(in: "[]"), $0.port ?? 1080) } ?? (url.host, url.port)
        bootstrap.connect(host: host, port: port).whenFailure { error in
            let reason = SocketFailure(error).description
            connection.perform(connection.state.connectFailed(proxy.map { "proxy \($0.displayName): \(reason)" } ?? reason))
        }
        return connection
    }

    /// A proxy's tunnel could not be had (`ProxyConnectHandler`): a connect failure, before
    /// the connection has its channel.
    func tunnelFailed(_ reason: String) {
        eventLoop.preconditionInEventLoop()
        perform(state.connectFailed(reason))
    }

    /// The socket is up: `channel` is this connection's.
    func connected(_ channel: any Channel) {
        eventLoop.preconditionInEventLoop()
        perform(state.connected(channel))
    }

    /// The handshake succeeded: count the connection, then tell the runner.
    func opened(_ negotiated: Negotiated) {
        eventLoop.preconditionInEventLoop()
        state.opened()
        recorder.connection += 1
        onOpen(negotiated)
    }

    /// Says how the connection ends; only the first report counts, and it is handed on
    /// when the channel is closed (``channelClosed(otherwise:)``).
    func reportEnd(_ end: ConnectionEnd) {
        eventLoop.preconditionInEventLoop()
        state.ended(end)
    }

    /// The channel is closed and the output flushed: completes ``end`` with the first
    /// report, or `otherwise` when there was none.
    func channelClosed(otherwise: ConnectionEnd) {
        eventLoop.preconditionInEventLoop()
        perform(state.channelClosed(otherwise: otherwise))
    }

    /// Ends the connection because the run is over: a close frame with `code` on an open
    /// connection (then the close handshake), or just the socket before that.
    func requestStop(code: UInt16) {
        eventLoop.execute {
            self.perform(self.state.stopRequested(code: code))
        }
    }

    private func perform(_ action: StateMachine<any Channel>.Action) {
        switch action {
        case .none:
            break
        case .closeChannel(let channel):
            channel.close(promise: nil)
        case .startClose(let channel, let code):
            // The frame handler runs the close handshake. Found through the pipeline, not
            // kept: a reference from here to it would be one more cycle to break.
            let pipeline = channel.pipeline.syncOperations
            if let handler = try? pipeline.handler(type: FrameHandler.self), let context = try? pipeline.context(handlerType: FrameHandler.self) {
                handler.close(context: context, code: code, end: .stopped)
            } else {
                channel.close(promise: nil)
            }
        case .report(let end):
            promise.succeed(end)
        }
    }
}
