import Dispatch
import Foundation
import ScrapeBase

/// A TCP server on 127.0.0.1 that answers each request with bytes the test scripts per
/// path, written raw: malformed status lines, non-HTTP greetings, headers cut short,
/// giant header lines, bodies that do not decode. What Hummingbird never sends.
///
/// One thread accepts; each connection reads one request head, writes the scripted
/// bytes, and closes. Requests are counted per path.
public final class ScriptedServer: Sendable {
    /// The listening port.
    public let port: Int
    private let descriptor: Int32
    private let responses: [String: [UInt8]]
    private let fallback: [UInt8]
    private let counts = Locked<[String: Int]>([:])
    /// Signalled when the accept loop has returned.
    private let stopped = DispatchSemaphore(value: 0)

    /// Starts answering `responses` (path → raw bytes); other paths get `fallback` (a 404).
    public init(_ responses: [String: [UInt8]], fallback: [UInt8] = Array("HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n".utf8)) throws {
        (descriptor, port) = try LoopbackSocket.bind(listen: true)
        self.responses = responses
        self.fallback = fallback
        let thread = Thread { [self] in acceptLoop() }
        thread.start()
    }

    /// `http://127.0.0.1:PORT` + `path`.
    public func url(_ path: String) -> String { "http://127.0.0.1:\(port)\(path)" }

    /// Requests seen for `path`.
    public func count(_ path: String) -> Int { counts.withLock { $0[path] ?? 0 } }

    /// Requests seen, all paths together.
    public var total: Int { counts.withLock { $0.values.reduce(0, +) } }

    /// A whole response with `status` and a small HTML body titled `title`.
    public static func response(status: String = "200 OK", title: String = "ok") -> [UInt8] {
        let body = "<title>\(title)</title>"
        return Array("HTTP/1.1 \(status)\r\nContent-Type: text/html\r\nContent-Length: \(body.utf8.count)\r\n\r\n\(body)".utf8)
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
            answer(connection)
        }
    }

    private func answer(_ connection: Int32) {
        defer {
            shutdown(connection, Int32(SHUT_RDWR))
            _ = Glibc.close(connection)
        }
        var timeout = timeval(tv_sec: 2, tv_usec: 0)  // a client that never sends cannot hold close() up
        setsockopt(connection, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        var head: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 4096)
        while !head.ends(with: [13, 10, 13, 10]), head.count < 65536 {
            let count = chunk.withUnsafeMutableBytes { recv(connection, $0.baseAddress, $0.count, 0) }
            if count <= 0 { return }
            head.append(contentsOf: chunk[0..<count])
        }
        let requestLine = head.split(separator: 13).first.map { String(decoding: $0, as: UTF8.self) } ?? ""
        let path = requestLine.split(separator: " ").dropFirst().first.map(String.init) ?? "/"
        counts.withLock { $0[path, default: 0] += 1 }
        let reply = responses[path] ?? fallback
        reply.withUnsafeBytes { bytes in
            var offset = 0
            while offset < bytes.count {
                let sent = send(connection, bytes.baseAddress! + offset, bytes.count - offset, Int32(MSG_NOSIGNAL))
                if sent <= 0 { return }
                offset += sent
            }
        }
    }
}

extension Array where Element == UInt8 {
    fileprivate func ends(with suffix: [UInt8]) -> Bool { count >= suffix.count && Array(self[(count - suffix.count)...]) == suffix }
}
