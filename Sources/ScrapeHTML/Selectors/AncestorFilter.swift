import CLibXML2

/// A counting Bloom filter of the walk's open ancestors (their names, and their ids and
/// classes when a selector asks for those), so that a selector such as `.sidebar a` is
/// rejected without climbing the tree when no ancestor has the class: Blink's technique.
/// Without it a descendant combinator costs a climb to the root for every element it
/// fails on, quadratic on deep trees (100,000 nested `<div>` and `p div`). Only the
/// document walk keeps one; a "maybe" answer is checked by the real match.
///
/// A class for its buffers' sake (plain memory, freed in `deinit`): the walk pushes and
/// pops once per element with children, and Swift arrays would check uniqueness each time.
final class AncestorFilter {
    private static let size = 4096
    private let counts: UnsafeMutablePointer<UInt32>
    /// The hashes each open ancestor added (`frames` marks where each starts), so a pop
    /// removes exactly them.
    private var stack: UnsafeMutablePointer<UInt32>
    private var stackCount = 0
    private var stackCapacity = 256
    private var frames: [Int] = []
    private let quirks: Bool
    /// Whether ids and classes are hashed (some selector names one on an ancestor).
    private let hashesAttributes: Bool

    init(quirks: Bool, hashesAttributes: Bool) {
        self.quirks = quirks
        self.hashesAttributes = hashesAttributes
        counts = .allocate(capacity: Self.size)
        counts.initialize(repeating: 0, count: Self.size)
        stack = .allocate(capacity: stackCapacity)
        frames.reserveCapacity(256)
    }

    deinit {
        counts.deallocate()
        stack.deallocate()
    }

    /// Adds an element whose children the walk enters.
    func push(_ element: xmlNodePtr) {
        frames.append(stackCount)
        if let name = element.pointee.name { add(Self.hash(name)) }
        guard hashesAttributes else { return }
        var attribute = element.pointee.properties
        while let current = attribute {
            if current.pointee.ns == nil, let name = current.pointee.name, let value = current.pointee.children?.pointee.content {
                if name[0] == UInt8(ascii: "i"), name[1] == UInt8(ascii: "d"), name[2] == 0 {
                    add(Self.hash(UnsafeBufferPointer(start: value, count: Int(xmlStrlen(value))), seed: Self.idSeed, lowercase: quirks))
                } else if name[0] == UInt8(ascii: "c"), xmlStrEqual(name, Self.classAttribute) != 0 {
                    addWords(UnsafeBufferPointer(start: value, count: Int(xmlStrlen(value))))
                }
            }
            attribute = current.pointee.next
        }
    }

    /// Removes the element pushed last.
    func pop() {
        guard let start = frames.popLast() else { return }
        for index in start..<stackCount {
            let hash = stack[index]
            counts[Int(hash & 0xFFF)] -= 1
            counts[Int((hash >> 12) & 0xFFF)] -= 1
        }
        stackCount = start
    }

    /// Whether some open ancestor may have added `hash` (false: certainly none did).
    func mayContain(_ hash: UInt32) -> Bool {
        counts[Int(hash & 0xFFF)] > 0 && counts[Int((hash >> 12) & 0xFFF)] > 0
    }

    private func add(_ hash: UInt32) {
        if stackCount == stackCapacity {
            let grown = UnsafeMutablePointer<UInt32>.allocate(capacity: stackCapacity * 2)
            grown.moveInitialize(from: stack, count: stackCount)
            stack.deallocate()
            stack = grown
            stackCapacity *= 2
        }
        stack[stackCount] = hash
        stackCount += 1
        counts[Int(hash & 0xFFF)] += 1
        counts[Int((hash >> 12) & 0xFFF)] += 1
    }

    private func addWords(_ value: UnsafeBufferPointer<UInt8>) {
        var start = 0
        while start < value.count {
            while start < value.count && ASCII.isWhitespace(value[start]) { start += 1 }
            var stop = start
            while stop < value.count && !ASCII.isWhitespace(value[stop]) { stop += 1 }
            if stop > start { add(Self.hash(UnsafeBufferPointer(rebasing: value[start..<stop]), seed: Self.classSeed, lowercase: quirks)) }
            start = stop
        }
    }

    private static let classAttribute: [UInt8] = Array("class".utf8) + [0]
    static let idSeed: UInt32 = 0x811C_9DC5
    static let classSeed: UInt32 = 0x050C_5D1F

    /// An interned name's hash: its address, mixed.
    static func hash(_ name: UnsafePointer<xmlChar>) -> UInt32 {
        let bits = UInt64(UInt(bitPattern: name)) &* 0x9E37_79B9_7F4A_7C15
        return UInt32(truncatingIfNeeded: bits >> 32)
    }

    /// FNV-1a over an id or class, ASCII-lowercased in quirks mode (where they ignore case).
    static func hash(_ bytes: UnsafeBufferPointer<UInt8>, seed: UInt32, lowercase: Bool) -> UInt32 {
        var hash = seed
        for byte in bytes {
            hash = (hash ^ UInt32(lowercase ? ASCII.lowercased(byte) : byte)) &* 0x0100_0193
        }
        return hash ^ (hash >> 15)
    }
}
