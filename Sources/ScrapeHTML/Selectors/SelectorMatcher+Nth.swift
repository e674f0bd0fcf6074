import CLibXML2

/// `:nth-child(An+B [of S])`, `:nth-last-child`, `:nth-of-type`, `:nth-last-of-type` and the
/// `first-`/`last-`/`only-` forms: the element's 1-based position among the sibling
/// elements that count (all, those of its type, or those matching S).
///
/// Counting walks the siblings; once a count passes ``longList`` siblings, the positions
/// of all the parent's children are computed in one pass and kept, so a list of 20,000
/// `li` costs linear time, not quadratic (`of S` counts are not cached: S may be anything).
extension SelectorMatcher {
    static let longList = 32

    mutating func matchesNth(_ nth: SelectorProgram.Condition, _ element: xmlNodePtr, scope: xmlNodePtr?) -> Bool {
        if nth.c >= 0, !matches(list: nth.c, element, scope: scope) { return false }
        if nth.only {
            return countSiblings(nth, of: element, forward: false, scope: scope, stopAfter: 1) == 0
                && countSiblings(nth, of: element, forward: true, scope: scope, stopAfter: 1) == 0
        }
        let pattern = NthPattern(a: nth.a, b: nth.b)
        if nth.c < 0, !nthPositions.isEmpty, let position = nthPositions[Self.positionKind(fromEnd: nth.fromEnd, ofType: nth.ofType), element] {
            return pattern.matches(position)
        }
        // A pattern that only matches the first positions needs only that many siblings counted.
        let limit = nth.a <= 0 ? max(nth.b, 0) : Int.max
        let before = countSiblings(nth, of: element, forward: nth.fromEnd, scope: scope, stopAfter: limit)
        if nth.c < 0 && before >= Self.longList && limit == Int.max {
            cachePositions(amongChildrenOf: element.pointee.parent, fromEnd: nth.fromEnd, ofType: nth.ofType)
        }
        return pattern.matches(before + 1)
    }

    /// How many sibling elements before (or after, `forward`) the element count, up to
    /// `stopAfter` (no need to count further).
    private mutating func countSiblings(_ nth: SelectorProgram.Condition, of element: xmlNodePtr, forward: Bool, scope: xmlNodePtr?, stopAfter: Int) -> Int {
        var count = 0
        var sibling = forward ? Self.nextElement(element) : Self.previousElement(element)
        while let current = sibling, count < stopAfter {
            if counts(current, like: element, for: nth, scope: scope) { count += 1 }
            sibling = forward ? Self.nextElement(current) : Self.previousElement(current)
        }
        return count
    }

    private mutating func counts(_ sibling: xmlNodePtr, like element: xmlNodePtr, for nth: SelectorProgram.Condition, scope: xmlNodePtr?) -> Bool {
        if nth.ofType {
            return sibling.pointee.name == element.pointee.name && sibling.pointee.ns == element.pointee.ns
        }
        if nth.c >= 0 { return matches(list: nth.c, sibling, scope: scope) }
        return true
    }

    /// Records the position of every element child of `parent`, in one pass.
    private mutating func cachePositions(amongChildrenOf parent: xmlNodePtr?, fromEnd: Bool, ofType: Bool) {
        guard let parent else { return }
        var byType: [TypeKey: Int] = [:]
        var position = 0
        var child = fromEnd ? parent.pointee.last : parent.pointee.children
        while let current = child {
            if current.pointee.type == XML_ELEMENT_NODE {
                let index: Int
                if ofType {
                    let type = TypeKey(name: current.pointee.name, namespace: current.pointee.ns)
                    index = (byType[type] ?? 0) + 1
                    byType[type] = index
                } else {
                    position += 1
                    index = position
                }
                nthPositions[Self.positionKind(fromEnd: fromEnd, ofType: ofType), current] = index
            }
            child = fromEnd ? current.pointee.prev : current.pointee.next
        }
    }

    /// The cache's number for a way of counting: from the start or the end, all siblings or those of one type.
    private static func positionKind(fromEnd: Bool, ofType: Bool) -> Int { (fromEnd ? 2 : 0) + (ofType ? 1 : 0) }

    /// An element's type for `*-of-type`: its interned name and namespace record.
    private struct TypeKey: Hashable {
        var name: UnsafePointer<xmlChar>?
        var namespace: xmlNsPtr?
    }
}
