/// The list of active formatting elements (section 13.2.4.3): formatting elements and
/// markers, with each element's token attributes (for the Noah's Ark clause and for
/// recreating the element).
struct ActiveFormattingElements {
    struct Entry {
        /// nil: a marker.
        var element: OpenElement?
        var attributes: [HTMLAttribute]
    }

    private(set) var entries: [Entry] = []

    var isEmpty: Bool { entries.isEmpty }
    var count: Int { entries.count }
    subscript(index: Int) -> Entry { entries[index] }

    mutating func pushMarker() {
        entries.append(Entry(element: nil, attributes: []))
    }

    /// Pushes a formatting element, first applying the Noah's Ark clause: of three equal
    /// elements since the last marker, the earliest goes. The walk back stops at the third
    /// match, so a long run of equal elements (the list then holds three) stays cheap.
    mutating func push(_ element: OpenElement, attributes: [HTMLAttribute]) {
        var matches = 0
        var index = entries.count - 1
        while index >= 0, let other = entries[index].element {
            if other.name == element.name, other.namespace == element.namespace,
               Self.sameAttributes(entries[index].attributes, attributes) {
                matches += 1
                if matches == 3 {
                    entries.remove(at: index)
                    break
                }
            }
            index -= 1
        }
        entries.append(Entry(element: element, attributes: attributes))
    }

    private static func sameAttributes(_ left: [HTMLAttribute], _ right: [HTMLAttribute]) -> Bool {
        guard left.count == right.count else { return false }
        for attribute in left {
            guard right.contains(where: { $0.name == attribute.name && $0.value == attribute.value }) else { return false }
        }
        return true
    }

    /// "Clear the list of active formatting elements up to the last marker".
    mutating func clearToLastMarker() {
        while let last = entries.popLast(), last.element != nil {}
    }

    /// The last element named `name` after the last marker.
    func lastIndex(named name: TagName) -> Int? {
        var index = entries.count - 1
        while index >= 0, let element = entries[index].element {
            if element.isHTML(name) { return index }
            index -= 1
        }
        return nil
    }

    func index(of node: DOMNode) -> Int? {
        entries.lastIndex { $0.element?.node == node }
    }

    mutating func remove(at index: Int) {
        entries.remove(at: index)
    }

    mutating func remove(_ node: DOMNode) {
        if let index = index(of: node) { entries.remove(at: index) }
    }

    mutating func insert(_ entry: Entry, at index: Int) {
        entries.insert(entry, at: index)
    }

    mutating func replace(at index: Int, with element: OpenElement) {
        entries[index].element = element
    }
}
