import NIOCore
import NIOPosix
import ScrapeBase

/// A connect or socket error as a person reads it: `127.0.0.1:1: connection refused`.
///
/// The one place where `ScrapeStream` turns NIO's connect and socket errors into words
/// (a TLS error keeps NIOSSL's own, which names the certificate problem). NIO describes a
/// refused connect as `[IPv4]127.0.0.1/127.0.0.1:1: connection reset (error set):
/// Connection refused (errno: 111)`: its internal call site, then the errno's text, which
/// sends a reader after a reset that never happened (issue 24). We name the address and
/// say what the errno means (``SystemCall/socketErrorMessage(_:)``), nothing else.
struct SocketFailure: CustomStringConvertible {
    let description: String

    init(_ error: any Error) {
        switch error {
        case let error as NIOConnectionError:
            guard !error.connectionErrors.isEmpty else {
                description = "cannot resolve host \(error.host)"
                return
            }
            description = error.connectionErrors.map { failure in
                "\(Self.address(failure.target)): \(SocketFailure(failure.error))"
            }.joined(separator: "; ")
        case let error as IOError:
            description = SystemCall.socketErrorMessage(error.errnoCode)
        case ChannelError.connectTimeout(let timeout):
            description = "no connection within \(Duration.nanoseconds(timeout.nanoseconds).secondsDescription)"
        default:
            description = String(describing: error)
        }
    }

    /// `127.0.0.1:8080`, `[::1]:8080`: the address as a URL writes it.
    static func address(_ address: SocketAddress) -> String {
        guard let ip = address.ipAddress, let port = address.port else { return "\(address)" }
        return ip.contains(":") ? "[\(ip)]:\(port)" : "\(ip):\(port)"
    }
}
