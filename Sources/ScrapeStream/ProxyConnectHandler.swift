import NIOCore
import ScrapeBase
import ScrapeHTTP

/// First handler of a `scrape ws` connection through an HTTP proxy: asks the proxy for a
/// tunnel (`CONNECT host:port`, with `Proxy-Authorization: Basic` when the proxy URL has
/// credentials), reads its answer's head, and on a 2xx hands the channel to the handlers
/// the connection would have had without a proxy (TLS for `wss://`, then the WebSocket
/// handshake), passing on any bytes that came after the head. Any other answer ends the
/// connection as a connect failure naming the proxy (never its credentials) and status.
final class ProxyConnectHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    /// Answers longer than this before the blank line are refused.
    static let maxHeadSize = 16 * 1024

    private let proxy: ProxyURL
    private let target: StreamURL
    private let connection: StreamConnection
    /// Adds the handlers that follow the tunnel, after this one.
    private let then: (ChannelPipeline.SynchronousOperations, any ChannelHandler) throws -> Void
    private var received: ByteBuffer?
    private var sent = false
    private var timeout: Scheduled<Void>?

    init(
        proxy: ProxyURL, target: StreamURL, connection: StreamConnection,
        then: @escaping (ChannelPipeline.SynchronousOperations, any ChannelHandler) throws -> Void
    ) {
        self.proxy = proxy
        self.target = target
        self.connection = connection
        self.then = then
    }

    func handlerAdded(context: ChannelHandlerContext) {
        let loopBoundContext = NIOLoopBound(context, eventLoop: context.eventLoop)
        let (connectTimeout, connection, name) = (connection.settings.connectTimeout, connection, proxy.displayName)
        timeout = context.eventLoop.scheduleTask(in: TimeAmount(connectTimeout)) {
            connection.tunnelFailed("proxy \(name): no answer to CONNECT within \(connectTimeout.secondsDescription)")
            loopBoundContext.value.close(promise: nil)
        }
        if context.channel.isActive { sendConnect(context: context) }
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        timeout?.cancel()
    }

    func channelActive(context: ChannelHandlerContext) {
        sendConnect(context: context)
    }

    private func sendConnect(context: ChannelHandlerContext) {
        guard !sent else { return }
        sent = true
        let authority = "\(target.host.contains(":") ? "[\(target.host)]" : target.host):\(target.port)"
        var head = "CONNECT \(authority) HTTP/1.1\r\nHost: \(authority)\r\n"
        if let credentials = proxy.basicCredentials {
            head += "Proxy-Authorization: Basic \(Base64.encode(Array(credentials.utf8)))\r\n"
        }
        head += "\r\n"
        context.writeAndFlush(NIOAny(context.channel.allocator.buffer(string: head)), promise: nil)
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        var chunk = unwrapInboundIn(data)
        if received == nil { received = chunk } else { received!.writeBuffer(&chunk) }
        guard var buffer = received else { return }
        let view = buffer.readableBytesView
        guard let end = view.firstRange(of: [13, 10, 13, 10]) else {
            if buffer.readableBytes > Self.maxHeadSize { fail(context: context, "proxy \(proxy.displayName): its answer to CONNECT is too long") }
            return
        }
        let headLength = view.distance(from: view.startIndex, to: end.upperBound)
        let head = buffer.readString(length: headLength) ?? ""
        let statusLine = head.prefix { $0 != "\r" }
        let parts = statusLine.split(separator: " ", maxSplits: 2)
        guard parts.count >= 2, parts[0].hasPrefix("HTTP/1."), let status = Int(parts[1]), (200..<300).contains(status) else {
            let shown = parts.count >= 2 ? String(parts[1]) : "no HTTP answer"
            return fail(context: context, "proxy \(proxy.displayName) refused the tunnel: CONNECT answered \(shown)")
        }
        do {
            try then(context.pipeline.syncOperations, self)
        } catch {
            return fail(context: context, "cannot set up the channel: \(error)")
        }
        received = nil
        timeout?.cancel()
        // The handlers added after this one find the channel active and start at once (TLS
        // handshake, WebSocket request), as NIOSSLHandler and HandshakeHandler do when added late.
        if buffer.readableBytes > 0 { context.fireChannelRead(NIOAny(buffer)) }
        context.pipeline.syncOperations.removeHandler(context: context, promise: nil)
    }

    private func fail(context: ChannelHandlerContext, _ reason: String) {
        timeout?.cancel()
        connection.tunnelFailed(reason)
        context.close(promise: nil)
    }
}
