package import NIOCore
package import NIOWebSocket
import ScrapeCore

/// Close status codes (RFC 6455 section 7.4.1) the client sends or reasons about.
public enum CloseCode {
    public static let normal: UInt16 = 1000
    public static let goingAway: UInt16 = 1001
    public static let protocolError: UInt16 = 1002
    public static let noStatus: UInt16 = 1005
    public static let abnormal: UInt16 = 1006
    public static let invalidPayload: UInt16 = 1007
    public static let messageTooBig: UInt16 = 1009

    /// Whether a close frame may carry `code` (RFC 6455 7.4.1 and 7.4.2, plus 1012-1014
    /// from the IANA registry, which servers send when restarting or overloaded).
    static func isValidOnTheWire(_ code: UInt16) -> Bool {
        switch code {
        case 1000...1003, 1007...1014, 3000...4999: true
        default: false
        }
    }
}

/// One received data message.
package struct Message: Sendable, Equatable {
    package enum Kind: Sendable, Equatable { case text, binary }
    package var kind: Kind
    package var payload: [UInt8]
}

/// What a frame means once the client's receive rules (RFC 6455 section 5) are applied.
package enum FrameEvent: Equatable {
    /// A complete data message: reassembled, inflated, UTF-8 checked.
    case message(Message)
    /// A fragment of a message that is not complete yet.
    case partial
    /// A ping to answer with a pong carrying `payload`.
    case ping(ByteBuffer)
    case pong
    /// The server's close frame: its code (1005 when it carried none) and reason.
    case close(code: UInt16, reason: String)
    /// The server broke the protocol: close with `code` and fail the connection.
    case violation(code: UInt16, reason: String)
}

/// Turns frames into messages: fragment reassembly with control frames in between,
/// reserved bits and opcodes, UTF-8 of text across fragments, the message size limit and
/// permessage-deflate. Pure over frames, so each rule is tested without a socket too.
package struct MessageAssembler {
    /// Messages longer than this (after inflating) are refused with 1009.
    package let maxMessageSize: Int
    private let inflater: Inflater?
    /// The message being reassembled: its kind, whether compressed, its bytes so far.
    private var pending: (kind: Message.Kind, compressed: Bool, bytes: [UInt8])?

    package init(maxMessageSize: Int, deflate: DeflateParameters?) {
        self.maxMessageSize = maxMessageSize
        inflater = deflate.map { Inflater(resetAfterEachMessage: $0.serverNoContextTakeover) }
    }

    package mutating func receive(_ frame: WebSocketFrame) -> FrameEvent {
        guard frame.maskKey == nil else { return .violation(code: CloseCode.protocolError, reason: "the server masked a frame") }
        if frame.rsv2 || frame.rsv3 { return .violation(code: CloseCode.protocolError, reason: "reserved bit set") }
        switch frame.opcode {
        case .ping:
            if frame.rsv1 { return .violation(code: CloseCode.protocolError, reason: "reserved bit set on a ping") }
            return .ping(frame.data)
        case .pong:
            if frame.rsv1 { return .violation(code: CloseCode.protocolError, reason: "reserved bit set on a pong") }
            return .pong
        case .connectionClose:
            if frame.rsv1 { return .violation(code: CloseCode.protocolError, reason: "reserved bit set on a close frame") }
            return Self.close(frame.data)
        case .text, .binary:
            guard pending == nil else { return .violation(code: CloseCode.protocolError, reason: "a new message began before the last one ended") }
            if frame.rsv1 && inflater == nil { return .violation(code: CloseCode.protocolError, reason: "compressed frame without permessage-deflate") }
            pending = (frame.opcode == .text ? .text : .binary, frame.rsv1, [])
            return append(frame)
        case .continuation:
            guard pending != nil else { return .violation(code: CloseCode.protocolError, reason: "a continuation frame with no message to continue") }
            if frame.rsv1 { return .violation(code: CloseCode.protocolError, reason: "reserved bit set on a continuation frame") }
            return append(frame)
        default:
            return .violation(code: CloseCode.protocolError, reason: "unknown opcode \(frame.opcode)")
        }
    }

    private mutating func append(_ frame: WebSocketFrame) -> FrameEvent {
        guard var message = pending else { return .partial }
        guard message.bytes.count + frame.length <= maxMessageSize else {
            pending = nil
            return .violation(code: CloseCode.messageTooBig, reason: "a message over the \(maxMessageSize)-byte limit")
        }
        if message.bytes.isEmpty && frame.fin {
            message.bytes = Array(buffer: frame.data)  // the common case: one frame, one copy
        } else {
            message.bytes.append(contentsOf: frame.data.readableBytesView)
        }
        guard frame.fin else {
            pending = message
            return .partial
        }
        pending = nil
        var payload = message.bytes
        if message.compressed, let inflater {
            do {
                payload = try inflater.inflate(message.bytes, limit: maxMessageSize)
            } catch {
                switch error {
                case .tooLarge:
                    return .violation(code: CloseCode.messageTooBig, reason: "a message that inflates past the \(maxMessageSize)-byte limit")
                case .invalidData(let reason):
                    return .violation(code: CloseCode.invalidPayload, reason: "invalid compressed data (\(reason))")
                }
            }
        }
        if message.kind == .text, !JSONLineEncoder.isValidUTF8(payload) {
            return .violation(code: CloseCode.invalidPayload, reason: "a text message that is not valid UTF-8")
        }
        return .message(Message(kind: message.kind, payload: payload))
    }

    /// A close frame's code and reason (RFC 6455 5.5.1): none, or two bytes of code then
    /// UTF-8; a one-byte body, a code not allowed on the wire or a reason that is not UTF-8
    /// is a violation.
    private static func close(_ data: ByteBuffer) -> FrameEvent {
        var data = data
        guard data.readableBytes > 0 else { return .close(code: CloseCode.noStatus, reason: "") }
        guard let code = data.readInteger(as: UInt16.self) else {
            return .violation(code: CloseCode.protocolError, reason: "a close frame with a one-byte body")
        }
        guard CloseCode.isValidOnTheWire(code) else {
            return .violation(code: CloseCode.protocolError, reason: "close code \(code) is not allowed on the wire")
        }
        let reason = Array(buffer: data)
        guard JSONLineEncoder.isValidUTF8(reason) else {
            return .violation(code: CloseCode.invalidPayload, reason: "a close reason that is not valid UTF-8")
        }
        return .close(code: code, reason: String(decoding: reason, as: UTF8.self))
    }
}
