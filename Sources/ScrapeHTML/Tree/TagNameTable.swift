/// Turns tag names (lowercase bytes, as tokenized) into ``TagName`` values for one parse.
///
/// An open-addressing hash table (FNV-1a over the bytes, linear probing), seeded with the
/// known names: looked up once per tag token, so it avoids `Hasher`'s per-call set-up.
/// Names outside the known list (custom elements, typos, foreign names the rules never
/// mention) are numbered as they first appear, so later comparisons of them are integer
/// compares too.
struct TagNameTable {
    private var keys: [[UInt8]]
    private var values: [UInt32]
    private var mask: Int
    private var count: Int
    private var nextID = TagName.firstDynamicID

    /// The known names only; copied (lazily, on the first new name) by each parse.
    private static let seeded: TagNameTable = {
        var table = TagNameTable(capacity: 512)
        for (index, name) in TagName.known.enumerated() where index > 0 {
            table.insert(Array(UnsafeBufferPointer(start: name.utf8Start, count: name.utf8CodeUnitCount)), UInt32(index))
        }
        return table
    }()

    init() {
        self = Self.seeded
    }

    private init(capacity: Int) {
        keys = Array(repeating: [], count: capacity)
        values = Array(repeating: 0, count: capacity)
        mask = capacity - 1
        count = 0
    }

    @inline(__always) private static func hash(_ name: [UInt8]) -> Int {
        var hash: UInt32 = 2_166_136_261
        for byte in name { hash = (hash ^ UInt32(byte)) &* 16_777_619 }
        return Int(hash)
    }

    /// The value of `name`, numbering it if it is new to this parse.
    mutating func lookup(_ name: [UInt8]) -> TagName {
        var slot = Self.hash(name) & mask
        while values[slot] != 0 {
            if keys[slot] == name { return TagName(id: values[slot]) }
            slot = (slot + 1) & mask
        }
        let id = nextID
        nextID += 1
        insert(name, id)
        return TagName(id: id)
    }

    private mutating func insert(_ name: [UInt8], _ id: UInt32) {
        if (count + 1) * 2 > keys.count { grow() }
        var slot = Self.hash(name) & mask
        while values[slot] != 0 { slot = (slot + 1) & mask }
        keys[slot] = name
        values[slot] = id
        count += 1
    }

    private mutating func grow() {
        var larger = TagNameTable(capacity: keys.count * 2)
        larger.nextID = nextID
        for slot in 0..<keys.count where values[slot] != 0 { larger.insert(keys[slot], values[slot]) }
        self = larger
    }

    /// The bytes of a known name (for elements the tree builder creates on its own).
    static func bytes(of name: TagName) -> [UInt8] {
        let string = TagName.known[Int(name.id)]
        return Array(UnsafeBufferPointer(start: string.utf8Start, count: string.utf8CodeUnitCount))
    }
}
