import CLibXML2

/// Matches a compiled ``CSSSelector`` against one document: per-query state (the
/// selector's names looked up in the document's name dictionary, the `:has()` caches), so
/// the selector itself stays immutable and shared.
///
/// Names are compared as pointers: the tree builder interns every element and attribute
/// name in the document's libxml2 dictionary, so a name the dictionary does not hold is on
/// no node, and equal names are the same pointer. Complex selectors are matched right to
/// left with Blink's early exits (a failed descendant combinator fails the whole
/// selector), so no selector backtracks over the same ancestors twice.
struct SelectorMatcher {
    let list: SelectorList
    /// The selector's names as the document's dictionary holds them (nil: no node of the
    /// document has that name).
    let interned: [UnsafePointer<xmlChar>?]
    /// Quirks mode: `#id` and `.class` ignore ASCII case.
    let quirks: Bool
    /// `:has()` results known so far (see `SelectorMatcher+Has.swift`).
    var hasMemo: [HasMemoKey: Bool] = [:]
    /// Positions among siblings, filled per parent for long sibling lists (see `SelectorMatcher+Nth.swift`).
    var nthPositions: [NthPositionKey: Int] = [:]
    /// For each selector of the list, the ancestor filter hashes it needs (nil: it cannot
    /// match this document); the filter is kept only when some selector needs one.
    let ancestorHashes: [[UInt32]?]
    let usesAncestorFilter: Bool

    init(selector: CSSSelector, document: HTMLDocument) {
        list = selector.list
        let dictionary = document.raw.pointee.dict
        interned = selector.names.map { name in
            name.withUnsafeBufferPointer { xmlDictExists(dictionary, $0.baseAddress, Int32($0.count)) }
        }
        quirks = document.mode == .quirks
        let (interned, quirks) = (interned, quirks)
        ancestorHashes = list.selectors.map { Self.ancestorHashes(of: $0, interned: interned, quirks: quirks) }
        usesAncestorFilter = ancestorHashes.contains { !($0?.isEmpty ?? true) }
    }

    /// Walks the document's elements in tree order (explicitly: no recursion, whatever the
    /// depth), calling `found` for each match until it returns false.
    mutating func walk(_ document: HTMLDocument, _ found: (xmlNodePtr) -> Bool) {
        let root = document.document.raw
        var filter = usesAncestorFilter ? AncestorFilter(quirks: quirks) : nil
        var node = root.pointee.children
        while let current = node {
            if current.pointee.type == XML_ELEMENT_NODE {
                if matchesInWalk(current, filter: filter) && !found(current) { return }
                if let child = current.pointee.children {
                    filter?.push(current)
                    node = child
                    continue
                }
            }
            node = nil
            var climb: xmlNodePtr? = current
            while let up = climb, up != root {
                if let next = up.pointee.next { node = next; break }
                climb = up.pointee.parent
                if climb != root { filter?.pop() }
            }
        }
    }

    /// The list matched at the walk's element, each selector first through the filter.
    private mutating func matchesInWalk(_ element: xmlNodePtr, filter: AncestorFilter?) -> Bool {
        for (index, complex) in list.selectors.enumerated() {
            guard let hashes = ancestorHashes[index] else { continue }
            if let filter, !hashes.allSatisfy(filter.mayContain) { continue }
            if match(complex, from: 0, element, scope: nil) == .matched { return true }
        }
        return false
    }

    // MARK: Lists and complex selectors

    /// Whether one selector of the list matches; `scope` is the `:has()` anchor, if any.
    mutating func matches(_ list: SelectorList, _ element: xmlNodePtr, scope: xmlNodePtr?) -> Bool {
        for complex in list.selectors where match(complex, from: 0, element, scope: scope) == .matched {
            return true
        }
        return false
    }

    /// How a match attempt ended: Blink's statuses, which let the combinators stop early.
    enum Status {
        case matched
        /// This element does not fit; another one might.
        case failsLocally
        /// No later sibling of this element can fit either (try a parent).
        case failsAllSiblings
        /// No element further up can fit.
        case failsCompletely
    }

    /// Matches `complex.compounds[index...]` with `element` as the element of `compounds[index]`.
    mutating func match(_ complex: ComplexSelector, from index: Int, _ element: xmlNodePtr, scope: xmlNodePtr?) -> Status {
        guard matches(complex.compounds[index], element, scope: scope) else { return .failsLocally }
        guard index < complex.combinators.count else { return .matched }
        switch complex.combinators[index] {
        case .descendant:
            var ancestor = Self.parentElement(element)
            while let current = ancestor {
                let status = match(complex, from: index + 1, current, scope: scope)
                if status == .matched || status == .failsCompletely { return status }
                ancestor = Self.parentElement(current)
            }
            return .failsCompletely
        case .child:
            guard let parent = Self.parentElement(element) else { return .failsCompletely }
            return match(complex, from: index + 1, parent, scope: scope)
        case .nextSibling:
            guard let previous = Self.previousElement(element) else { return .failsAllSiblings }
            return match(complex, from: index + 1, previous, scope: scope)
        case .subsequentSibling:
            var sibling = Self.previousElement(element)
            while let current = sibling {
                let status = match(complex, from: index + 1, current, scope: scope)
                if status != .failsLocally { return status }
                sibling = Self.previousElement(current)
            }
            return .failsAllSiblings
        }
    }

    /// Whether `element` meets the compound's type and every condition.
    mutating func matches(_ compound: CompoundSelector, _ element: xmlNodePtr, scope: xmlNodePtr?) -> Bool {
        if let type = compound.type {
            let wanted = interned[element.pointee.ns == nil ? type.lowercased : type.asWritten]
            guard let wanted, element.pointee.name == wanted else { return false }
        }
        for condition in compound.conditions where !matches(condition, element, scope: scope) {
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
