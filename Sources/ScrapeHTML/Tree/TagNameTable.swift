/// Turns tag names (lowercase bytes, as tokenized) into ``TagName`` values for one parse.
///
/// The known names come from one shared dictionary; names outside it (custom elements,
/// typos, foreign names the rules never mention) are numbered as they first appear, in a
/// dictionary this table owns, so later comparisons of them are integer compares too.
struct TagNameTable {
    private static let knownIDs: [[UInt8]: TagName] = {
        var table: [[UInt8]: TagName] = [:]
        for (index, name) in TagName.known.enumerated() where index > 0 {
            table[Array(UnsafeBufferPointer(start: name.utf8Start, count: name.utf8CodeUnitCount))] = TagName(id: UInt32(index))
        }
        return table
    }()

    private var dynamicIDs: [[UInt8]: TagName] = [:]
    private var nextID = TagName.firstDynamicID

    /// The value of `name`, numbering it if it is new to this parse.
    mutating func lookup(_ name: [UInt8]) -> TagName {
        if let known = Self.knownIDs[name] { return known }
        if let seen = dynamicIDs[name] { return seen }
        let value = TagName(id: nextID)
        nextID += 1
        dynamicIDs[name] = value
        return value
    }

    /// The bytes of a known name (for elements the tree builder creates on its own).
    static func bytes(of name: TagName) -> [UInt8] {
        let string = TagName.known[Int(name.id)]
        return Array(UnsafeBufferPointer(start: string.utf8Start, count: string.utf8CodeUnitCount))
    }
}
