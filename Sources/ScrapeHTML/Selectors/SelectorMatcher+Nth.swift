import CLibXML2

/// `:nth-child(An+B [of S])`, `:nth-last-child`, `:nth-of-type`, `:nth-last-of-type` and the
/// `first-`/`last-`/`only-` forms: the element's 1-based position among the sibling
/// elements that count (all, those of its type, or those matching S).
extension SelectorMatcher {
    mutating func matches(_ nth: NthSelector, _ element: xmlNodePtr, scope: xmlNodePtr?) -> Bool {
        if let filter = nth.filter, !matches(filter, element, scope: scope) { return false }
        if nth.only {
            return countSiblings(nth, of: element, forward: false, scope: scope, stopAfter: 1) == 0
                && countSiblings(nth, of: element, forward: true, scope: scope, stopAfter: 1) == 0
        }
        // A pattern that only matches the first positions needs only that many siblings counted.
        let limit = nth.pattern.a <= 0 ? max(nth.pattern.b, 0) : Int.max
        let before = countSiblings(nth, of: element, forward: nth.fromEnd, scope: scope, stopAfter: limit)
        return nth.pattern.matches(before + 1)
    }

    /// How many sibling elements before (or after, `forward`) the element count, up to
    /// `stopAfter` (no need to count further).
    private mutating func countSiblings(_ nth: NthSelector, of element: xmlNodePtr, forward: Bool, scope: xmlNodePtr?, stopAfter: Int) -> Int {
        var count = 0
        var sibling = forward ? Self.nextElement(element) : Self.previousElement(element)
        while let current = sibling, count < stopAfter {
            if counts(current, like: element, for: nth, scope: scope) { count += 1 }
            sibling = forward ? Self.nextElement(current) : Self.previousElement(current)
        }
        return count
    }

    private mutating func counts(_ sibling: xmlNodePtr, like element: xmlNodePtr, for nth: NthSelector, scope: xmlNodePtr?) -> Bool {
        if nth.ofType {
            return sibling.pointee.name == element.pointee.name && sibling.pointee.ns == element.pointee.ns
        }
        if let filter = nth.filter { return matches(filter, sibling, scope: scope) }
        return true
    }
}
