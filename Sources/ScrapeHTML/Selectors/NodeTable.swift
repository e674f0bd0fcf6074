import CLibXML2

/// The matcher's caches (`:has()` results, long climbs, sibling positions): a map from a
/// number (which selector part) and a node to an `Int`, with open addressing and a
/// multiply-shift hash of the pointer. `Dictionary` hashes with SipHash, which cost more
/// than the matching the caches save on an ordinary page.
struct NodeTable {
    private struct Slot {
        /// 0: empty.
        var node: UInt
        var number: Int
        var value: Int
    }

    private var slots: [Slot] = []
    private var count = 0

    var isEmpty: Bool { count == 0 }

    subscript(number: Int, node: xmlNodePtr) -> Int? {
        get {
            guard !slots.isEmpty else { return nil }
            let key = UInt(bitPattern: node)
            let mask = slots.count - 1
            var index = Self.hash(number, key) & mask
            while true {
                let slot = slots[index]
                if slot.node == 0 { return nil }
                if slot.node == key && slot.number == number { return slot.value }
                index = (index + 1) & mask
            }
        }
        set {
            guard let newValue else { return }  // entries are never removed
            if (count + 1) * 2 > slots.count { grow() }
            let key = UInt(bitPattern: node)
            let mask = slots.count - 1
            var index = Self.hash(number, key) & mask
            while slots[index].node != 0 && !(slots[index].node == key && slots[index].number == number) {
                index = (index + 1) & mask
            }
            if slots[index].node == 0 { count += 1 }
            slots[index] = Slot(node: key, number: number, value: newValue)
        }
    }

    private mutating func grow() {
        let old = slots
        slots = Array(repeating: Slot(node: 0, number: 0, value: 0), count: max(64, old.count * 2))
        count = 0
        let mask = slots.count - 1
        for slot in old where slot.node != 0 {
            var index = Self.hash(slot.number, slot.node) & mask
            while slots[index].node != 0 { index = (index + 1) & mask }
            slots[index] = slot
            count += 1
        }
    }

    private static func hash(_ number: Int, _ node: UInt) -> Int {
        var bits = node &+ UInt(bitPattern: number) &* 0x9E37_79B9_7F4A_7C15
        bits ^= bits >> 29
        bits &*= 0xBF58_476D_1CE4_E5B9
        bits ^= bits >> 32
        return Int(bitPattern: bits)
    }
}
