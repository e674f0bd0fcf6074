/// The HTML standard's named character references: `amp;` → `&`, `notin;` → `∉`, and
/// the legacy names that also work without a semicolon (`amp`, `copy`, `not`).
///
/// The table (`NamedCharacterReferences+Table.swift`) is generated from the standard's
/// data by `scripts/generate-html-tables.py` and parsed into a dictionary on first use.
enum NamedCharacterReferences {
    /// The longest name in the table, its `;` included.
    static let longestName = 32

    /// The scalars for `name` (with its `;`, if it has one), or nil.
    static func lookup(_ name: [UInt8]) -> [Unicode.Scalar]? {
        dictionary[name]
    }

    private static let dictionary: [[UInt8]: [Unicode.Scalar]] = {
        var entries: [[UInt8]: [Unicode.Scalar]] = [:]
        entries.reserveCapacity(2300)
        for line in Array(table.utf8).split(separator: UInt8(ascii: "\n")) {
            guard let space = line.firstIndex(of: UInt8(ascii: " ")) else { continue }
            let scalars = line[(space + 1)...].split(separator: UInt8(ascii: ",")).compactMap {
                UInt32(String(decoding: $0, as: UTF8.self), radix: 16).flatMap(Unicode.Scalar.init)
            }
            entries[Array(line[..<space])] = scalars
        }
        return entries
    }()
}
