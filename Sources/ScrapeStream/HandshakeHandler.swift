import NIOCore
import NIOWebSocket

/// First handler after TLS: writes the upgrade request, reads the answer's head, and on a
/// valid 101 puts the frame codec and a ``FrameHandler`` in its place, passing on any
/// bytes that came after the head (a server may send its first frames with the answer).
final class HandshakeHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    /// Answers longer than this before the blank line are refused.
    static let maxHeadSize = 64 * 1024

    private let handshake: Handshake
    private let connection: StreamConnection
    private var received: ByteBuffer?
    private var timeout: Scheduled<Void>?
    /// Set once the frame handler took over: from then on it reports the channel's end.
    private var upgraded = false

    init(handshake: Handshake, connection: StreamConnection) {
        self.handshake = handshake
        self.connection = connection
    }

    func handlerAdded(context: ChannelHandlerContext) {
        let loopBoundContext = NIOLoopBound(context, eventLoop: context.eventLoop)
        let connectTimeout = connection.settings.connectTimeout
        timeout = context.eventLoop.scheduleTask(in: TimeAmount(connectTimeout)) { [connection] in
            connection.reportEnd(.connectFailed("no handshake answer within \(connectTimeout.secondsDescription)"))
            loopBoundContext.value.close(promise: nil)
        }
        if context.channel.isActive {
            connection.connected(context.channel)
            sendRequest(context: context)
        }
    }

    /// The timer must not outlive the handler: a channel that lost a happy-eyeballs race
    /// is closed without ever becoming active, and its timer would otherwise report
    /// "no handshake answer" for the connection that won.
    func handlerRemoved(context: ChannelHandlerContext) {
        timeout?.cancel()
    }

    func channelActive(context: ChannelHandlerContext) {
        connection.connected(context.channel)
        sendRequest(context: context)
        context.fireChannelActive()
    }

    private func sendRequest(context: ChannelHandlerContext) {
        var buffer = context.channel.allocator.buffer(capacity: handshake.request.count)
        buffer.writeBytes(handshake.request)
        context.writeAndFlush(wrapOutboundOut(buffer), promise: nil)
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        var chunk = unwrapInboundIn(data)
        if received == nil {
            received = chunk
        } else {
            received!.writeBuffer(&chunk)
        }
        guard var buffer = received else { return }
        let view = buffer.readableBytesView
        guard let end = Self.endOfHead(view) else {
            if buffer.readableBytes > Self.maxHeadSize {
                fail(context: context, .handshakeInvalid("the answer's head is over \(Self.maxHeadSize) bytes"))
            }
            return
        }
        let headBytes = buffer.readBytes(length: end - view.startIndex)!
        buffer.moveReaderIndex(forwardBy: 4)
        received = nil
        timeout?.cancel()
        guard let head = ResponseHead.parse(headBytes) else {
            return fail(context: context, .handshakeInvalid("the answer is not HTTP/1.1"))
        }
        switch handshake.interpret(head) {
        case .failure(.refused(let status, let reason, let retryAfter)):
            fail(context: context, .refused(status: status, reason: reason, retryAfter: retryAfter))
        case .failure(.invalid(let reason)):
            fail(context: context, .handshakeInvalid(reason))
        case .success(let negotiated):
            upgrade(context: context, negotiated: negotiated, leftover: buffer)
        }
    }

    private func upgrade(context: ChannelHandlerContext, negotiated: Negotiated, leftover: ByteBuffer) {
        let settings = connection.settings
        let frames = FrameHandler(connection: connection, negotiated: negotiated)
        do {
            let decoder = ByteToMessageHandler(WebSocketFrameDecoder(maxFrameSize: min(settings.maxMessageSize, Int(UInt32.max))))
            // Each after the one before: decoder, encoder, then the frame handler at the tail.
            let encoder = WebSocketFrameEncoder()
            try context.pipeline.syncOperations.addHandler(decoder, position: .after(self))
            try context.pipeline.syncOperations.addHandler(encoder, position: .after(decoder))
            try context.pipeline.syncOperations.addHandler(frames, position: .after(encoder))
        } catch {
            return fail(context: context, .connectFailed("cannot set up the channel: \(error)"))
        }
        upgraded = true
        connection.opened(negotiated)
        if leftover.readableBytes > 0 { context.fireChannelRead(NIOAny(leftover)) }
        context.pipeline.syncOperations.removeHandler(context: context, promise: nil)
    }

    private func fail(context: ChannelHandlerContext, _ end: ConnectionEnd) {
        connection.reportEnd(end)
        context.close(promise: nil)
    }

    func channelInactive(context: ChannelHandlerContext) {
        timeout?.cancel()
        if !upgraded {
            connection.channelClosed(otherwise: .connectFailed("the server closed the connection before answering the handshake"))
        }
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        fail(context: context, .connectFailed(SocketFailure(error).description))
    }

    /// The index of the `\r\n\r\n` that ends the head, if it has arrived.
    private static func endOfHead(_ view: ByteBufferView) -> Int? {
        var index = view.startIndex
        while index + 3 < view.endIndex {
            if view[index] == 13, view[index + 1] == 10, view[index + 2] == 13, view[index + 3] == 10 { return index }
            index += 1
        }
        return nil
    }
}
