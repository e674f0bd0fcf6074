/// The URL standard's percent-encode sets, as one bit per set in a 128-entry table so the
/// parser asks "does this byte get encoded here?" with one load and one mask.
///
/// Each set contains the one before it (C0 control ⊂ fragment; C0 control ⊂ query ⊂
/// special-query; query ⊂ path ⊂ userinfo), and every byte at or above 0x80 (a piece of a
/// non-ASCII code point's UTF-8) is in every set, so a code point is encoded as the
/// percent-escapes of its UTF-8 bytes, which is the standard's "UTF-8 percent-encode".
struct URLPercentEncodeSet: Sendable {
    let mask: UInt8

    static let c0Control = URLPercentEncodeSet(mask: 1)
    static let fragment = URLPercentEncodeSet(mask: 2)
    static let query = URLPercentEncodeSet(mask: 4)
    static let specialQuery = URLPercentEncodeSet(mask: 8)
    static let path = URLPercentEncodeSet(mask: 16)
    static let userinfo = URLPercentEncodeSet(mask: 32)

    /// Whether `byte` is percent-encoded under this set.
    @inline(__always)
    func contains(_ byte: UInt8) -> Bool {
        byte >= 0x80 || Self.table[Int(byte)] & mask != 0
    }

    /// Appends `byte` to `output`, as `%XX` (uppercase hex) when the set contains it.
    @inline(__always)
    func append(_ byte: UInt8, to output: inout [UInt8]) {
        if contains(byte) {
            output.append(0x25)
            output.append(Self.hexDigits[Int(byte >> 4)])
            output.append(Self.hexDigits[Int(byte & 0x0F)])
        } else {
            output.append(byte)
        }
    }

    static let hexDigits: [UInt8] = Array("0123456789ABCDEF".utf8)

    /// Bit n set for byte b means: set n encodes b.
    private static let table: [UInt8] = {
        var table = [UInt8](repeating: 0, count: 128)
        let all: UInt8 = 0x3F
        for byte in 0..<0x20 { table[byte] = all }
        table[0x7F] = all
        func add(_ characters: String, from mask: UInt8) {
            for byte in characters.utf8 { table[Int(byte)] |= mask }
        }
        // Fragment: C0 control, space, ", <, >, `.
        add(" \"<>`", from: fragment.mask)
        // Query: C0 control, space, ", #, <, >; special-query adds '. Path and userinfo
        // contain the query set.
        add(" \"#<>", from: query.mask | specialQuery.mask | path.mask | userinfo.mask)
        add("'", from: specialQuery.mask)
        // Path: query, ?, ^, `, {, }.
        add("?^`{}", from: path.mask | userinfo.mask)
        // Userinfo: path, /, :, ;, =, @, [ to ^, |.
        add("/:;=@[\\]^|", from: userinfo.mask)
        return table
    }()
}
