import Glibc

/// A TCP port on 127.0.0.1 that accepts connections (in the kernel's backlog) and never
/// answers: the client's request goes out and nothing comes back, so only a timeout ends it.
///
/// No thread and no accept loop: the socket listens and is closed by ``close()``.
public final class SilentServer: Sendable {
    /// The listening port.
    public let port: Int
    private let descriptor: Int32

    /// Opens the listening socket.
    public init() throws {
        (descriptor, port) = try LoopbackSocket.bind(listen: true)
    }

    /// `http://127.0.0.1:PORT/`.
    public var url: String { "http://127.0.0.1:\(port)/" }

    /// Stops listening; pending connections are reset.
    public func close() {
        _ = Glibc.close(descriptor)
    }

    /// A port on 127.0.0.1 with nothing listening, so connecting is refused.
    public static func refusedPort() throws -> Int {
        let (descriptor, port) = try LoopbackSocket.bind(listen: false)
        _ = Glibc.close(descriptor)
        return port
    }
}

/// Sockets bound to 127.0.0.1 on a free port, for the raw test servers.
public enum LoopbackSocket {
    struct Failure: Error, CustomStringConvertible {
        let operation: String
        let code: Int32
        var description: String { "\(operation) failed: errno \(code)" }
    }

    /// Binds a TCP socket to 127.0.0.1 on a free port.
    public static func bind(listen: Bool) throws -> (Int32, Int) {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard descriptor >= 0 else { throw Failure(operation: "socket", code: errno) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = 0
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { Glibc.bind(descriptor, $0, length) }
        }
        guard bound == 0 else { _ = close(descriptor); throw Failure(operation: "bind", code: errno) }
        if listen {
            guard Glibc.listen(descriptor, 64) == 0 else { _ = close(descriptor); throw Failure(operation: "listen", code: errno) }
        }
        let named = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(descriptor, $0, &length) }
        }
        guard named == 0 else { _ = close(descriptor); throw Failure(operation: "getsockname", code: errno) }
        return (descriptor, Int(UInt16(bigEndian: address.sin_port)))
    }
}
