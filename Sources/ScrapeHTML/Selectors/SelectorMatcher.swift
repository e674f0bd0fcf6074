import CLibXML2

/// Matches a compiled ``CSSSelector`` against one document: per-query state (the
/// selector's names looked up in the document's name dictionary, the caches of `:has()`,
/// sibling positions and long climbs), so the selector itself stays immutable and shared.
///
/// Names are compared as pointers: the tree builder interns every element and attribute
/// name in the document's libxml2 dictionary, so a name the dictionary does not hold is on
/// no node, and equal names are the same pointer. Complex selectors are matched right to
/// left with Blink's early exits (a failed descendant combinator fails the whole
/// selector), so no selector backtracks over the same ancestors twice. The hot path reads
/// only the program's plain buffers: no reference counting, no allocation per element.
struct SelectorMatcher {
    private let program: SelectorProgram
    let lists: UnsafeMutableBufferPointer<SelectorProgram.List>
    let complexes: UnsafeMutableBufferPointer<SelectorProgram.Complex>
    let compounds: UnsafeMutableBufferPointer<SelectorProgram.Compound>
    let conditions: UnsafeMutableBufferPointer<SelectorProgram.Condition>
    let bytes: UnsafeMutableBufferPointer<UInt8>
    /// The per-document tables (interned names, selectors that can match), owned by `state`.
    private let state: DocumentState
    let interned: UnsafeMutableBufferPointer<UnsafePointer<xmlChar>?>
    /// Quirks mode: `#id` and `.class` ignore ASCII case.
    let quirks: Bool
    /// `:has()` results known so far, by relative selector (see `SelectorMatcher+Has.swift`).
    var hasMemo = NodeTable()
    /// Positions among siblings, filled per parent for long sibling lists (see `SelectorMatcher+Nth.swift`).
    var nthPositions = NodeTable()
    /// Results of long climbs, by compound (see `SelectorMatcher+Climb.swift`).
    var climbMemo = NodeTable()

    init(selector: CSSSelector, document: HTMLDocument) {
        program = selector.program
        (lists, complexes, compounds, conditions, bytes) = (program.lists, program.complexes, program.compounds, program.conditions, program.bytes)
        quirks = document.mode == .quirks
        state = DocumentState(names: selector.names, document: document, program: program)
        interned = state.interned
    }

    /// Walks the document's elements in tree order (explicitly: no recursion, whatever the
    /// depth), calling `found` for each match until it returns false.
    mutating func walk(_ document: HTMLDocument, _ found: (xmlNodePtr) -> Bool) {
        let root = document.document.raw
        var node = root.pointee.children
        while let current = node {
            if current.pointee.type == XML_ELEMENT_NODE {
                if matchesInWalk(current) && !found(current) { return }
                if let child = current.pointee.children {
                    node = child
                    continue
                }
            }
            node = nil
            var climb: xmlNodePtr? = current
            while let up = climb, up != root {
                if let next = up.pointee.next { node = next; break }
                climb = up.pointee.parent
            }
        }
    }

    /// The top list matched at the walk's element, skipping selectors that cannot match.
    private mutating func matchesInWalk(_ element: xmlNodePtr) -> Bool {
        let list = lists[program.top]
        for offset in 0..<list.count where state.possible[offset] {
            if match(complexes[list.start + offset], from: 0, element, scope: nil) == .matched { return true }
        }
        return false
    }

    /// Whether `element` matches the selector (no walk, no filter).
    mutating func matchesSelector(_ element: xmlNodePtr) -> Bool {
        matches(list: program.top, element, scope: nil)
    }

    // MARK: Lists and complex selectors

    /// Whether one selector of list `index` matches; `scope` is the `:has()` anchor, if any.
    mutating func matches(list index: Int, _ element: xmlNodePtr, scope: xmlNodePtr?) -> Bool {
        let list = lists[index]
        for offset in 0..<list.count where match(complexes[list.start + offset], from: 0, element, scope: scope) == .matched {
            return true
        }
        return false
    }

    /// How a match attempt ended: Blink's statuses, which let the combinators stop early.
    enum Status: Int {
        case matched
        /// This element does not fit; another one might.
        case failsLocally
        /// No later sibling of this element can fit either (try a parent).
        case failsAllSiblings
        /// No element further up can fit.
        case failsCompletely
    }

    /// Matches the complex selector's compounds from `index` on, `element` being the one of compound `index`.
    mutating func match(_ complex: SelectorProgram.Complex, from index: Int, _ element: xmlNodePtr, scope: xmlNodePtr?) -> Status {
        let compound = compounds[complex.start + index]
        guard matches(compound, element, scope: scope) else { return .failsLocally }
        guard let combinator = compound.combinator else { return .matched }
        switch combinator {
        case .descendant, .subsequentSibling:
            return climb(complex, from: index, element, scope: scope)
        case .child:
            guard let parent = Self.parentElement(element) else { return .failsCompletely }
            return match(complex, from: index + 1, parent, scope: scope)
        case .nextSibling:
            guard let previous = Self.previousElement(element) else { return .failsAllSiblings }
            return match(complex, from: index + 1, previous, scope: scope)
        }
    }

    /// Whether `element` meets the compound's type and every condition.
    mutating func matches(_ compound: SelectorProgram.Compound, _ element: xmlNodePtr, scope: xmlNodePtr?) -> Bool {
        if compound.lowered >= 0 {
            let wanted = interned[element.pointee.ns == nil ? compound.lowered : compound.written]
            guard let wanted, element.pointee.name == wanted else { return false }
        }
        for index in compound.conditionStart..<(compound.conditionStart + compound.conditionCount) where !matches(condition: index, element, scope: scope) {
            return false
        }
        return true
    }

    // MARK: Tree steps (elements only)

    static func parentElement(_ node: xmlNodePtr) -> xmlNodePtr? {
        guard let parent = node.pointee.parent, parent.pointee.type == XML_ELEMENT_NODE else { return nil }
        return parent
    }

    static func previousElement(_ node: xmlNodePtr) -> xmlNodePtr? {
        var sibling = node.pointee.prev
        while let current = sibling, current.pointee.type != XML_ELEMENT_NODE { sibling = current.pointee.prev }
        return sibling
    }

    static func nextElement(_ node: xmlNodePtr) -> xmlNodePtr? {
        var sibling = node.pointee.next
        while let current = sibling, current.pointee.type != XML_ELEMENT_NODE { sibling = current.pointee.next }
        return sibling
    }

    static func firstElementChild(_ node: xmlNodePtr) -> xmlNodePtr? {
        var child = node.pointee.children
        while let current = child, current.pointee.type != XML_ELEMENT_NODE { child = current.pointee.next }
        return child
    }
}
