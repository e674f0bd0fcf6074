import NIOCore
import NIOWebSocket
import ScrapeCore

/// The open connection: frames in, records out, pongs and pings, the close handshake and
/// the idle watchdog. Lives on the connection's event loop; everything it touches
/// (assembler, recorder) is confined there.
final class FrameHandler: ChannelInboundHandler {
    typealias InboundIn = WebSocketFrame
    typealias OutboundOut = WebSocketFrame

    private let connection: StreamConnection
    private var assembler: MessageAssembler
    private let recorder: StreamRecorder
    private let pingInterval: Duration
    private let idleTimeout: Duration
    private var lastReceived = ContinuousClock.now
    private var lastPing = ContinuousClock.now
    private var tick: RepeatedTask?
    /// Set once we sent a close frame: how the connection ends when the server answers.
    private var closing: ConnectionEnd?
    private var closeTimer: Scheduled<Void>?

    init(connection: StreamConnection, negotiated: Negotiated) {
        self.connection = connection
        let settings = connection.settings
        assembler = MessageAssembler(maxMessageSize: settings.maxMessageSize, deflate: negotiated.deflate)
        recorder = connection.recorder
        pingInterval = settings.pingInterval
        idleTimeout = settings.idleTimeout
    }

    func handlerAdded(context: ChannelHandlerContext) {
        lastReceived = .now
        lastPing = .now
        for text in connection.settings.messagesToSend {
            var buffer = context.channel.allocator.buffer(capacity: text.utf8.count)
            buffer.writeString(text)
            context.write(wrapOutboundOut(WebSocketFrame(fin: true, opcode: .text, maskKey: .random(), data: buffer)), promise: nil)
        }
        context.flush()
        // One timer serves the ping, the idle watchdog and the flush of a quiet output.
        let period = max(Duration.milliseconds(50), min(pingInterval, idleTimeout, .milliseconds(500)) / 2)
        let boundSelf = NIOLoopBound(self, eventLoop: context.eventLoop)
        let boundContext = NIOLoopBound(context, eventLoop: context.eventLoop)
        tick = context.eventLoop.scheduleRepeatedTask(initialDelay: TimeAmount(period), delay: TimeAmount(period)) { _ in
            boundSelf.value.onTick(context: boundContext.value)
        }
        if recorder.isComplete { close(context: context, code: CloseCode.normal, end: .stopped) }
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        lastReceived = .now
        switch assembler.receive(unwrapInboundIn(data)) {
        case .message(let message):
            guard closing == nil else { return }  // after our close, messages are not recorded
            do {
                try recorder.record(message)
            } catch {
                connection.reportEnd(.outputFailed(error))
                context.close(promise: nil)
                return
            }
            if recorder.isComplete { close(context: context, code: CloseCode.normal, end: .stopped) }
        case .partial, .pong:
            break
        case .ping(let payload):
            context.writeAndFlush(wrapOutboundOut(WebSocketFrame(fin: true, opcode: .pong, maskKey: .random(), data: payload)), promise: nil)
        case .close(let code, let reason):
            if let closing {
                connection.reportEnd(closing)
            } else {
                // Echo the code (RFC 6455 5.5.1); a close without one is answered with 1000.
                send(close: code == CloseCode.noStatus ? CloseCode.normal : code, context: context)
                connection.reportEnd(.closedByServer(code: code, reason: reason))
            }
            context.close(promise: nil)
        case .violation(let code, let reason):
            close(context: context, code: code, end: .violation(code: code, reason: reason), wait: false)
        }
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        flushOutput(context: context)
        context.fireChannelReadComplete()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        switch error {
        case NIOWebSocketError.invalidFrameLength:
            close(context: context, code: CloseCode.messageTooBig, end: .violation(code: CloseCode.messageTooBig, reason: "a frame over the \(assembler.maxMessageSize)-byte limit"), wait: false)
        case NIOWebSocketError.fragmentedControlFrame:
            close(context: context, code: CloseCode.protocolError, end: .violation(code: CloseCode.protocolError, reason: "a fragmented control frame"), wait: false)
        case NIOWebSocketError.multiByteControlFrameLength:
            close(context: context, code: CloseCode.protocolError, end: .violation(code: CloseCode.protocolError, reason: "a control frame over 125 bytes"), wait: false)
        default:
            connection.reportEnd(closing ?? .dropped(SocketFailure(error).description))
            context.close(promise: nil)
        }
    }

    func channelInactive(context: ChannelHandlerContext) {
        tick?.cancel()
        closeTimer?.cancel()
        flushOutput(context: context)
        connection.channelClosed(otherwise: closing ?? .dropped("the server closed the TCP connection"))
        context.fireChannelInactive()
    }

    /// Starts the close handshake: our close frame, then the server's within the close
    /// timeout, or we close the socket anyway. `wait: false` (a protocol violation) closes
    /// the socket at once after the frame.
    func close(context: ChannelHandlerContext, code: UInt16, end: ConnectionEnd, wait: Bool = true) {
        guard closing == nil else { return }
        closing = end
        send(close: code, context: context)
        guard wait else {
            connection.reportEnd(end)
            context.close(promise: nil)
            return
        }
        let boundContext = NIOLoopBound(context, eventLoop: context.eventLoop)
        closeTimer = context.eventLoop.scheduleTask(in: TimeAmount(connection.settings.closeTimeout)) {
            boundContext.value.close(promise: nil)
        }
    }

    private func send(close code: UInt16, context: ChannelHandlerContext) {
        var buffer = context.channel.allocator.buffer(capacity: 2)
        buffer.writeInteger(code)
        context.writeAndFlush(wrapOutboundOut(WebSocketFrame(fin: true, opcode: .connectionClose, maskKey: .random(), data: buffer)), promise: nil)
    }

    private func onTick(context: ChannelHandlerContext) {
        if recorder.writer.isFlushDue { flushOutput(context: context) }
        guard closing == nil else { return }
        let now = ContinuousClock.now
        if now - lastReceived >= idleTimeout {
            // A dead or half-open connection: no close handshake to wait for.
            close(context: context, code: CloseCode.goingAway, end: .idleTimeout(idleTimeout), wait: false)
        } else if now - lastReceived >= pingInterval, now - lastPing >= pingInterval {
            lastPing = now
            var payload = context.channel.allocator.buffer(capacity: 8)
            payload.writeInteger(UInt64(truncatingIfNeeded: now.hashValue))
            context.writeAndFlush(wrapOutboundOut(WebSocketFrame(fin: true, opcode: .ping, maskKey: .random(), data: payload)), promise: nil)
        }
    }

    private func flushOutput(context: ChannelHandlerContext) {
        do {
            try recorder.writer.flush()
        } catch {
            connection.reportEnd(.outputFailed(error))
            context.close(promise: nil)
        }
    }
}
