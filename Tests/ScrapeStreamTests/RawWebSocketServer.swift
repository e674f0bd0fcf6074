import Foundation
import ScrapeBase
import ScrapeCore
import ScrapeTestSupport

@testable import ScrapeStream

/// A TCP server on 127.0.0.1 that speaks WebSocket by hand, for what a well-behaved server
/// never does: frames split and interleaved at will, invalid UTF-8, reserved bits, absurd
/// lengths, silence, a TCP drop without a close frame, refusals with any status.
///
/// Each connection runs the test's script on a thread of its own, with its number
/// (1-based). Reads time out after 5 s so a broken client cannot hang a test.
final class RawWebSocketServer: Sendable {
    private let listener: LoopbackListener
    private let count: Locked<Int>

    var port: Int { listener.port }

    init(_ script: @escaping @Sendable (RawConnection, Int) throws -> Void) throws {
        let count = Locked(0)
        self.count = count
        listener = try LoopbackListener { connection in
            let number = count.withLock { count in
                count += 1
                return count
            }
            var timeout = timeval(tv_sec: 5, tv_usec: 0)
            setsockopt(connection, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
            Thread {
                let raw = RawConnection(descriptor: connection)
                try? script(raw, number)
                raw.close()
            }.start()
        }
    }

    /// `ws://127.0.0.1:PORT/path`.
    func url(_ path: String = "/") -> String { "ws://127.0.0.1:\(port)\(path)" }

    /// Connections accepted so far.
    var connections: Int { count.withLock { $0 } }

    func close() {
        listener.close()
    }
}

/// One accepted connection, driven by a test script.
final class RawConnection: @unchecked Sendable {
    struct Closed: Error {}

    private let descriptor: Int32
    private var buffer: [UInt8] = []
    private var isClosed = false
    /// The request head's fields (lowercased names), set by ``readHead()``.
    private(set) var request: [String: String] = [:]

    init(descriptor: Int32) {
        self.descriptor = descriptor
    }

    /// Reads the upgrade request's head.
    @discardableResult
    func readHead() throws -> [String: String] {
        while true {
            if let end = findHeadEnd() {
                let head = String(decoding: buffer[..<end], as: UTF8.self)
                buffer.removeFirst(end + 4)
                var fields: [String: String] = [:]
                let lines = head.components(separatedBy: "\r\n")
                fields["request-line"] = lines.first
                for line in lines.dropFirst() {
                    guard let colon = line.firstIndex(of: ":") else { continue }
                    fields[line[..<colon].lowercased()] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
                }
                request = fields
                return fields
            }
            try fill()
        }
    }

    /// Reads the head and answers 101 with the right accept key (or `accept` when given)
    /// and `headers`; with `echoSubprotocol`, the subprotocol asked for is accepted.
    func handshake(headers: [String] = [], accept: String? = nil, echoSubprotocol: Bool = false) throws {
        try readHead()
        var headers = headers
        if echoSubprotocol, let asked = request["sec-websocket-protocol"] { headers.append("Sec-WebSocket-Protocol: \(asked)") }
        let key = request["sec-websocket-key"] ?? ""
        let value = accept ?? Handshake.accept(forKey: key)
        let lines = ["HTTP/1.1 101 Switching Protocols", "Upgrade: websocket", "Connection: Upgrade", "Sec-WebSocket-Accept: \(value)"] + headers
        send(Array((lines.joined(separator: "\r\n") + "\r\n\r\n").utf8))
    }

    /// Reads the head and answers `status` with `headers`, then closes.
    func refuse(_ status: String, headers: [String] = []) throws {
        try readHead()
        let lines = ["HTTP/1.1 \(status)", "Content-Length: 0"] + headers
        send(Array((lines.joined(separator: "\r\n") + "\r\n\r\n").utf8))
    }

    func send(_ bytes: [UInt8]) {
        var offset = 0
        while offset < bytes.count {
            let written = bytes.withUnsafeBytes { Glibc.send(descriptor, $0.baseAddress! + offset, $0.count - offset, Int32(MSG_NOSIGNAL)) }
            if written <= 0 { return }
            offset += written
        }
    }

    /// Sends one frame.
    func sendFrame(opcode: UInt8, _ payload: [UInt8], fin: Bool = true, rsv: UInt8 = 0, masked: Bool = false) {
        send(Self.frame(opcode: opcode, payload, fin: fin, rsv: rsv, masked: masked))
    }

    /// A text frame.
    func sendText(_ text: String) { sendFrame(opcode: 0x1, Array(text.utf8)) }

    /// A close frame with `code`.
    func sendClose(_ code: UInt16, reason: String = "") {
        sendFrame(opcode: 0x8, [UInt8(code >> 8), UInt8(code & 0xFF)] + Array(reason.utf8))
    }

    static func frame(opcode: UInt8, _ payload: [UInt8], fin: Bool = true, rsv: UInt8 = 0, masked: Bool = false) -> [UInt8] {
        var bytes: [UInt8] = [(fin ? 0x80 : 0) | rsv << 4 | opcode]
        let maskBit: UInt8 = masked ? 0x80 : 0
        if payload.count < 126 {
            bytes.append(maskBit | UInt8(payload.count))
        } else if payload.count <= 0xFFFF {
            bytes += [maskBit | 126, UInt8(payload.count >> 8), UInt8(payload.count & 0xFF)]
        } else {
            bytes.append(maskBit | 127)
            for shift in stride(from: 56, through: 0, by: -8) { bytes.append(UInt8(truncatingIfNeeded: payload.count >> shift)) }
        }
        if masked {
            let key: [UInt8] = [1, 2, 3, 4]
            bytes += key
            bytes += payload.enumerated().map { $0.element ^ key[$0.offset % 4] }
        } else {
            bytes += payload
        }
        return bytes
    }

    /// The next frame from the client, unmasked; nil at end of stream or timeout.
    func readFrame() -> (opcode: UInt8, payload: [UInt8])? {
        do {
            try need(2)
            let opcode = buffer[0] & 0x0F
            var length = Int(buffer[1] & 0x7F)
            let masked = buffer[1] & 0x80 != 0
            var offset = 2
            if length == 126 {
                try need(4)
                length = Int(buffer[2]) << 8 | Int(buffer[3])
                offset = 4
            } else if length == 127 {
                try need(10)
                length = buffer[2..<10].reduce(0) { $0 << 8 | Int($1) }
                offset = 10
            }
            let keyLength = masked ? 4 : 0
            try need(offset + keyLength + length)
            let key = Array(buffer[offset..<(offset + keyLength)])
            var payload = Array(buffer[(offset + keyLength)..<(offset + keyLength + length)])
            if masked { payload = payload.enumerated().map { $0.element ^ key[$0.offset % 4] } }
            buffer.removeFirst(offset + keyLength + length)
            return (opcode, payload)
        } catch {
            return nil
        }
    }

    /// Reads frames until a close frame; returns its code (nil if the stream ended first).
    func readCloseCode() -> UInt16? {
        while let frame = readFrame() {
            if frame.opcode == 0x8 { return frame.payload.count >= 2 ? UInt16(frame.payload[0]) << 8 | UInt16(frame.payload[1]) : 1005 }
        }
        return nil
    }

    /// Reads text frames' payloads until `count` have arrived (pings and pongs skipped).
    func readTexts(_ count: Int) -> [String] {
        var texts: [String] = []
        while texts.count < count, let frame = readFrame() {
            if frame.opcode == 0x1 { texts.append(String(decoding: frame.payload, as: UTF8.self)) }
        }
        return texts
    }

    /// Waits until the client closes the TCP connection (or the read times out).
    func waitForEOF() {
        while (try? fill()) != nil {}
    }

    func close() {
        guard !isClosed else { return }
        isClosed = true
        _ = Glibc.close(descriptor)
    }

    private func need(_ count: Int) throws {
        while buffer.count < count { try fill() }
    }

    private func fill() throws {
        var chunk = [UInt8](repeating: 0, count: 65536)
        let received = chunk.withUnsafeMutableBytes { recv(descriptor, $0.baseAddress, $0.count, 0) }
        guard received > 0 else { throw Closed() }
        buffer += chunk[0..<received]
    }

    private func findHeadEnd() -> Int? {
        guard buffer.count >= 4 else { return nil }
        for index in 0...(buffer.count - 4) where buffer[index] == 13 && buffer[index + 1] == 10 && buffer[index + 2] == 13 && buffer[index + 3] == 10 {
            return index
        }
        return nil
    }
}
