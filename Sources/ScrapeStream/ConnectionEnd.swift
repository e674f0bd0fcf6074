import ScrapeBase
public import ScrapeCore

/// How one connection ended: what the reconnect decision and the log line are made from.
public enum ConnectionEnd: Sendable, Equatable, CustomStringConvertible {
    /// No connection: DNS, a refused or timed-out connect, TLS, or the socket closed
    /// before the handshake's answer.
    case connectFailed(String)
    /// The server answered the handshake with another status than 101.
    case refused(status: Int, reason: String, retryAfter: Duration?)
    /// A 101 that breaks RFC 6455 (wrong accept key, an extension we did not offer).
    case handshakeInvalid(String)
    /// The server sent a close frame (1005 when it had no code).
    case closedByServer(code: UInt16, reason: String)
    /// The TCP connection ended without a close frame (close code 1006).
    case dropped(String)
    /// Nothing arrived for the idle timeout, not even a pong: a dead or half-open connection.
    case idleTimeout(Duration)
    /// The server broke the protocol; we closed with `code`.
    case violation(code: UInt16, reason: String)
    /// We closed because the run is over (`--max-messages`, `--duration`, a signal).
    case stopped
    /// The output cannot be written: the run ends whatever the policy.
    case outputFailed(OutputError)

    public static func == (lhs: ConnectionEnd, rhs: ConnectionEnd) -> Bool {
        lhs.description == rhs.description
    }

    /// The close code of the log line and `GET /jobs`: sent by the server, by us, or 1006.
    public var closeCode: UInt16? {
        switch self {
        case .closedByServer(let code, _), .violation(let code, _): code
        case .dropped, .idleTimeout: CloseCode.abnormal
        case .connectFailed, .refused, .handshakeInvalid, .stopped, .outputFailed: nil
        }
    }

    public var description: String {
        switch self {
        case .connectFailed(let reason): "cannot connect: \(reason)"
        case .refused(let status, let reason, _): "the server refused the WebSocket handshake with HTTP \(status)\(reason.isEmpty ? "" : " " + reason)"
        case .handshakeInvalid(let reason): "invalid handshake answer: \(reason)"
        case .closedByServer(let code, let reason):
            code == CloseCode.noStatus ? "closed by the server without a status code" : "closed by the server with \(code)\(reason.isEmpty ? "" : " (\(reason))")"
        case .dropped(let reason): "connection lost without a close frame (1006): \(reason)"
        case .idleTimeout(let timeout): "nothing received for \(timeout.secondsDescription): connection presumed dead"
        case .violation(let code, let reason): "protocol error by the server, closed with \(code): \(reason)"
        case .stopped: "closed: the run is over"
        case .outputFailed(let error): error.description
        }
    }
}

extension Duration {
    /// `1.5 s`, for messages.
    var secondsDescription: String {
        let milliseconds = Int(inMilliseconds)
        return milliseconds % 1000 == 0 ? "\(milliseconds / 1000) s" : "\(Double(milliseconds) / 1000) s"
    }
}
