import CZlib

/// gzip files (RFC 1952) inflated with zlib, for sitemaps served as `.xml.gz` (a file,
/// not a `Content-Encoding`, so the client hands it over compressed). The limit counts
/// the inflated bytes: a small file cannot expand past `max_body`.
enum Gunzip {
    /// Whether `bytes` start with gzip's magic number (1f 8b).
    static func isGzip(_ bytes: [UInt8]) -> Bool {
        bytes.count >= 2 && bytes[0] == 0x1f && bytes[1] == 0x8b
    }

    /// Why a file could not be inflated.
    enum Failure: Error {
        case tooLarge
        case corrupt(String)
    }

    /// The inflated contents of `compressed` (members after the first are read too).
    static func inflate(_ compressed: [UInt8], limit: Int) throws(Failure) -> [UInt8] {
        var stream = z_stream()
        // 16 + 15: a gzip wrapper around DEFLATE with the largest window.
        guard inflateInit2_(&stream, 16 + 15, zlibVersion(), Int32(MemoryLayout<z_stream>.size)) == Z_OK else {
            throw .corrupt("zlib could not start")
        }
        defer { inflateEnd(&stream) }
        var output: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 64 * 1024)
        var input = compressed
        var failure: Failure?
        input.withUnsafeMutableBufferPointer { source in
            stream.next_in = source.baseAddress
            stream.avail_in = UInt32(source.count)
            chunk.withUnsafeMutableBufferPointer { buffer in
                while true {
                    stream.next_out = buffer.baseAddress
                    stream.avail_out = UInt32(buffer.count)
                    let status = CZlib.inflate(&stream, Z_NO_FLUSH)
                    let produced = buffer.count - Int(stream.avail_out)
                    guard output.count + produced <= limit else {
                        failure = .tooLarge
                        return
                    }
                    output.append(contentsOf: buffer[0..<produced])
                    switch status {
                    case Z_OK:
                        continue
                    case Z_STREAM_END:
                        guard stream.avail_in > 0 else { return }
                        inflateReset(&stream)  // another gzip member follows
                    case Z_BUF_ERROR where stream.avail_in == 0:
                        failure = .corrupt("the file ends early")
                        return
                    default:
                        failure = .corrupt(stream.msg.map { String(cString: $0) } ?? "zlib status \(status)")
                        return
                    }
                }
            }
        }
        if let failure { throw failure }
        return output
    }
}
