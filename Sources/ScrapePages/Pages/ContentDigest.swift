import CLibCrypto

/// The SHA-256 of a page body as the record's `content_sha256`: 64 lowercase hex digits.
///
/// OpenSSL's libcrypto does the hashing: with the CPU's SHA extensions (SHA-NI, present
/// on this project's machines) it costs about 6 µs of CPU per 10 KiB page, against ~21 µs
/// for its own AVX2 code and ~40 µs for a straightforward SHA-256 in Swift (measured
/// side by side, CPU time, `-O`; docs/output.md, "The page record"). Every page is
/// hashed, so that difference is per page.
public enum ContentDigest {
    private static let hexDigits: [UInt8] = Array("0123456789abcdef".utf8)

    /// The lowercase hex SHA-256 of `bytes`.
    public static func sha256Hex(_ bytes: [UInt8]) -> String {
        var digest: (UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0)
        withUnsafeMutableBytes(of: &digest) { output in
            bytes.withUnsafeBufferPointer { input in
                _ = SHA256(input.baseAddress, input.count, output.baseAddress!.assumingMemoryBound(to: UInt8.self))
            }
        }
        return withUnsafeBytes(of: &digest) { raw in
            String(unsafeUninitializedCapacity: 64) { text in
                for (index, byte) in raw.enumerated() {
                    text[index * 2] = hexDigits[Int(byte >> 4)]
                    text[index * 2 + 1] = hexDigits[Int(byte & 0x0F)]
                }
                return 64
            }
        }
    }
}
