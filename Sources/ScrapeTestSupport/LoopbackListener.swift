import Dispatch
import Foundation

/// A listening TCP socket on 127.0.0.1 with an accept loop on a thread of its own: each
/// accepted connection is handed to `handle` (which owns it from then on). The raw test
/// servers (``ScriptedServer``, the tests' WebSocket frame server) are built on it.
public final class LoopbackListener: Sendable {
    /// The listening port.
    public let port: Int
    private let descriptor: Int32
    private let handle: @Sendable (Int32) -> Void
    /// Signalled when the accept loop has returned.
    private let stopped = DispatchSemaphore(value: 0)

    /// Starts listening and accepting.
    public init(handle: @escaping @Sendable (_ connection: Int32) -> Void) throws {
        (descriptor, port) = try LoopbackSocket.bind(listen: true)
        self.handle = handle
        Thread { [self] in acceptLoop() }.start()
    }

    /// Stops listening. The accept loop is woken (shutdown) and waited for before the
    /// socket is closed: closing first would let the descriptor number be reused by another
    /// test's socket while the loop still calls `accept` on it.
    public func close() {
        shutdown(descriptor, Int32(SHUT_RDWR))
        stopped.wait()
        _ = Glibc.close(descriptor)
    }

    private func acceptLoop() {
        defer { stopped.signal() }
        while true {
            let connection = accept(descriptor, nil, nil)
            if connection < 0 {
                if errno == EINTR { continue }
                return  // shut down by close()
            }
            handle(connection)
        }
    }
}
