/// The URL standard's percent-encode sets, each as a 128-bit mask over ASCII so the parser
/// asks "does this byte get encoded here?" with a shift and a test (no table, no lazy
/// global).
///
/// Each set contains the one before it (C0 control ⊂ fragment; C0 control ⊂ query ⊂
/// special-query; query ⊂ path ⊂ userinfo), and every byte at or above 0x80 (a piece of a
/// non-ASCII code point's UTF-8) is in every set, so a code point is encoded as the
/// percent-escapes of its UTF-8 bytes, which is the standard's "UTF-8 percent-encode".
struct URLPercentEncodeSet: Sendable {
    /// Bits for bytes 0x00–0x3F and 0x40–0x7F.
    let low: UInt64, high: UInt64

    /// C0 controls and DEL.
    static var c0Control: URLPercentEncodeSet { URLPercentEncodeSet(low: 0xFFFF_FFFF, high: 0x8000_0000_0000_0000) }
    /// C0 control, space, `"`, `<`, `>`, `` ` ``.
    static var fragment: URLPercentEncodeSet { URLPercentEncodeSet(low: 0x5000_0005_FFFF_FFFF, high: 0x8000_0001_0000_0000) }
    /// C0 control, space, `"`, `#`, `<`, `>`.
    static var query: URLPercentEncodeSet { URLPercentEncodeSet(low: 0x5000_000D_FFFF_FFFF, high: 0x8000_0000_0000_0000) }
    /// Query and `'`.
    static var specialQuery: URLPercentEncodeSet { URLPercentEncodeSet(low: 0x5000_008D_FFFF_FFFF, high: 0x8000_0000_0000_0000) }
    /// Query, `?`, `^`, `` ` ``, `{`, `}`.
    static var path: URLPercentEncodeSet { URLPercentEncodeSet(low: 0xD000_000D_FFFF_FFFF, high: 0xA800_0001_4000_0000) }
    /// Path, `/`, `:`, `;`, `=`, `@`, `[`, `\`, `]`, `|`.
    static var userinfo: URLPercentEncodeSet { URLPercentEncodeSet(low: 0xFC00_800D_FFFF_FFFF, high: 0xB800_0001_7800_0001) }

    /// Whether `byte` is percent-encoded under this set.
    @inline(__always)
    func contains(_ byte: UInt8) -> Bool {
        if byte >= 0x80 { return true }
        return byte < 0x40 ? (low >> UInt64(byte)) & 1 != 0 : (high >> UInt64(byte - 0x40)) & 1 != 0
    }

    /// Appends `byte` to `output`, as `%XX` (uppercase hex) when the set contains it.
    @inline(__always)
    func append(_ byte: UInt8, to output: inout [UInt8]) {
        if contains(byte) {
            output.append(0x25)
            output.append(Self.hexDigit(byte >> 4))
            output.append(Self.hexDigit(byte & 0x0F))
        } else {
            output.append(byte)
        }
    }

    @inline(__always)
    static func hexDigit(_ value: UInt8) -> UInt8 { value < 10 ? 0x30 + value : 0x37 + value }
}
