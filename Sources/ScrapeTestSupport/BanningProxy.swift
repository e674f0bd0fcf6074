import Foundation
import ScrapeBase

/// A small HTTP forward proxy of our own that bans a host after `allowance` requests: it
/// forwards the first `allowance` plain-HTTP requests for each host (to 127.0.0.1 only),
/// adding `Via: 1.1 NAME`, and answers every later one with `403 Forbidden` itself, as a
/// site that blocks an address would. For the proxy pool's ban tests; tinyproxy cannot
/// be told to do this.
///
/// One request per connection (`Connection: close` both ways); GET and HEAD only.
public final class BanningProxy: Sendable {
    private let listener: LoopbackListener
    private let forwarded: Locked<[String: Int]>
    private let refused: Locked<[String: Int]>

    /// The listening port.
    public var port: Int { listener.port }
    /// `http://127.0.0.1:PORT`.
    public var url: String { "http://127.0.0.1:\(port)" }

    /// Starts the proxy; `name` goes into the `Via` header it adds.
    public init(name: String, allowance: Int) throws {
        let forwarded = Locked<[String: Int]>([:])
        let refused = Locked<[String: Int]>([:])
        self.forwarded = forwarded
        self.refused = refused
        listener = try LoopbackListener { connection in
            Self.serve(connection, name: name, allowance: allowance, forwarded: forwarded, refused: refused)
        }
    }

    /// Requests forwarded for `host` (`127.0.0.1:PORT`).
    public func forwardedCount(host: String) -> Int { forwarded.withLock { $0[host] ?? 0 } }
    /// Requests answered with 403 for `host`.
    public func refusedCount(host: String) -> Int { refused.withLock { $0[host] ?? 0 } }

    /// Stops listening.
    public func close() { listener.close() }

    private static func serve(
        _ client: Int32, name: String, allowance: Int, forwarded: Locked<[String: Int]>, refused: Locked<[String: Int]>
    ) {
        defer {
            shutdown(client, Int32(SHUT_RDWR))
            _ = Glibc.close(client)
        }
        var timeout = timeval(tv_sec: 5, tv_usec: 0)
        setsockopt(client, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        guard let head = readHead(client) else { return }
        let lines = head.components(separatedBy: "\r\n")
        let parts = lines[0].split(separator: " ")
        guard parts.count == 3, parts[1].hasPrefix("http://") else {
            write(client, "HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
            return
        }
        let rest = parts[1].dropFirst("http://".count)
        let authority = String(rest.prefix { $0 != "/" })
        let path = rest.dropFirst(authority.count)
        let seen = forwarded.withLock { $0[authority] ?? 0 }
        guard seen < allowance else {
            refused.withLock { $0[authority, default: 0] += 1 }
            write(client, "HTTP/1.1 403 Forbidden\r\nContent-Type: text/plain\r\nContent-Length: 7\r\nConnection: close\r\n\r\nbanned\n")
            return
        }
        let hostParts = authority.split(separator: ":")
        guard hostParts.count == 2, hostParts[0] == "127.0.0.1", let port = UInt16(hostParts[1]) else {
            write(client, "HTTP/1.1 502 Bad Gateway\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
            return
        }
        forwarded.withLock { $0[authority, default: 0] += 1 }
        let headers = lines.dropFirst().filter { line in
            let lower = line.lowercased()
            return !line.isEmpty && !lower.hasPrefix("proxy-") && !lower.hasPrefix("connection:")
        }
        let request = "\(parts[0]) \(path.isEmpty ? "/" : path) HTTP/1.1\r\n" + headers.joined(separator: "\r\n")
            + "\r\nVia: 1.1 \(name)\r\nConnection: close\r\n\r\n"
        let upstream = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { _ = Glibc.close(upstream) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = port.bigEndian
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(upstream, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard connected == 0 else {
            write(client, "HTTP/1.1 502 Bad Gateway\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
            return
        }
        setsockopt(upstream, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        write(upstream, request)
        var buffer = [UInt8](repeating: 0, count: 16384)
        while true {
            let count = buffer.withUnsafeMutableBytes { recv(upstream, $0.baseAddress, $0.count, 0) }
            if count <= 0 { return }
            guard send(buffer, count: count, to: client) else { return }
        }
    }

    private static func readHead(_ connection: Int32) -> String? {
        var head: [UInt8] = []
        var byte: UInt8 = 0
        while head.count < 65536 {
            guard recv(connection, &byte, 1, 0) == 1 else { return nil }
            head.append(byte)
            if head.count >= 4, head[(head.count - 4)...].elementsEqual([13, 10, 13, 10]) {
                return String(decoding: head.dropLast(4), as: UTF8.self)
            }
        }
        return nil
    }

    private static func write(_ connection: Int32, _ text: String) {
        let bytes = Array(text.utf8)
        _ = send(bytes, count: bytes.count, to: connection)
    }

    private static func send(_ bytes: [UInt8], count: Int, to connection: Int32) -> Bool {
        bytes.withUnsafeBytes { raw in
            var offset = 0
            while offset < count {
                let sent = Glibc.send(connection, raw.baseAddress! + offset, count - offset, Int32(MSG_NOSIGNAL))
                if sent <= 0 { return false }
                offset += sent
            }
            return true
        }
    }
}
