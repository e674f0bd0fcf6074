import CZlib

/// permessage-deflate's receiving half (RFC 7692 section 7.2.2): raw DEFLATE, one stream
/// across messages unless the server resets its context after each.
///
/// Output is bounded: a message that inflates past `limit` is refused as soon as it does,
/// so a small hostile frame cannot make us allocate gigabytes.
final class Inflater {
    enum Failure: Error, Equatable {
        /// The inflated message is longer than the limit (close 1009).
        case tooLarge
        /// The bytes are not valid DEFLATE (close 1007).
        case invalidData(String)
    }

    private var stream = z_stream()
    private let resetAfterEachMessage: Bool
    private var chunk = [UInt8](repeating: 0, count: 64 * 1024)
    /// The four bytes RFC 7692 has the sender strip from each message's end.
    private static let tail: [UInt8] = [0x00, 0x00, 0xFF, 0xFF]

    init(resetAfterEachMessage: Bool) {
        self.resetAfterEachMessage = resetAfterEachMessage
        // -15: raw DEFLATE with the largest window, which reads any window the server chose.
        let status = inflateInit2_(&stream, -15, zlibVersion(), Int32(MemoryLayout<z_stream>.size))
        precondition(status == Z_OK, "zlib inflateInit2 failed: \(status)")
    }

    deinit {
        inflateEnd(&stream)
    }

    /// The inflated message of `compressed` (its frames' payloads joined).
    func inflate(_ compressed: [UInt8], limit: Int) throws(Failure) -> [UInt8] {
        var output: [UInt8] = []
        output.reserveCapacity(min(limit, max(256, compressed.count * 4)))
        defer { if resetAfterEachMessage { inflateReset(&stream) } }
        try feed(compressed, into: &output, limit: limit)
        try feed(Self.tail, into: &output, limit: limit)
        return output
    }

    private func feed(_ input: [UInt8], into output: inout [UInt8], limit: Int) throws(Failure) {
        var input = input
        let count = input.count
        var failure: Failure?
        input.withUnsafeMutableBufferPointer { source in
            stream.next_in = source.baseAddress
            stream.avail_in = UInt32(count)
            chunk.withUnsafeMutableBufferPointer { buffer in
                repeat {
                    stream.next_out = buffer.baseAddress
                    stream.avail_out = UInt32(buffer.count)
                    let status = CZlib.inflate(&stream, Z_SYNC_FLUSH)
                    let produced = buffer.count - Int(stream.avail_out)
                    if produced > 0 {
                        guard output.count + produced <= limit else {
                            failure = .tooLarge
                            return
                        }
                        output.append(contentsOf: buffer[0..<produced])
                    }
                    switch status {
                    case Z_OK, Z_BUF_ERROR:
                        break  // Z_BUF_ERROR: no progress possible, which ends the loop below
                    case Z_STREAM_END:
                        // A final block: the server may not reuse this stream, so start anew.
                        inflateReset(&stream)
                    default:
                        let message = stream.msg.map { String(cString: $0) } ?? "zlib status \(status)"
                        failure = .invalidData(message)
                        return
                    }
                    if status == Z_BUF_ERROR { break }
                } while stream.avail_in > 0 || stream.avail_out == 0
            }
            stream.next_in = nil
        }
        if let failure { throw failure }
    }
}
