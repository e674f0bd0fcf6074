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
    private let listener: LoopbackListener
    private let counts: Locked<[String: Int]>

    /// The listening port.
    public var port: Int { listener.port }

    /// Starts answering `responses` (path → raw bytes); other paths get `fallback` (a 404).
    public init(_ responses: [String: [UInt8]], fallback: [UInt8] = Array("HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n".utf8)) throws {
        let counts = Locked<[String: Int]>([:])
        self.counts = counts
        listener = try LoopbackListener { connection in
            Self.answer(connection, responses: responses, fallback: fallback, counts: counts)
        }
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

    /// Stops listening (see ``LoopbackListener/close()``).
    public func close() {
        listener.close()
    }

    /// Reads one request head from `connection`, counts its path, writes the scripted reply.
    private static func answer(_ connection: Int32, responses: [String: [UInt8]], fallback: [UInt8], counts: Locked<[String: Int]>) {
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
