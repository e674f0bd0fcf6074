import CLibXML2

/// The descendant (` `) and subsequent-sibling (`~`) combinators: try each ancestor (or
/// previous sibling) in turn for the rest of the selector.
///
/// A climb normally ends within a few steps. One that goes past ``longClimb`` steps
/// records, for every element it then passes, the result of the climb from there: the
/// next climb that reaches one of those elements stops there. So `body div` over 100,000
/// nested `div` (or `li ~ p` over 20,000 `li`) costs linear time, not quadratic, while
/// ordinary pages never touch the cache. Not used under a `:has()` scope (the result
/// would depend on the anchor).
extension SelectorMatcher {
    static let longClimb = 32

    mutating func climb(_ complex: SelectorProgram.Complex, from index: Int, _ element: xmlNodePtr, scope: xmlNodePtr?) -> Status {
        let upward = compounds[complex.start + index].combinator == .descendant
        let key = complex.start + index
        var steps = 0
        var passed: [xmlNodePtr] = []
        var next = upward ? Self.parentElement(element) : Self.previousElement(element)
        var result: Status = upward ? .failsCompletely : .failsAllSiblings
        while let current = next {
            let status = match(complex, from: index + 1, current, scope: scope)
            if status == .matched || status == .failsCompletely || (!upward && status == .failsAllSiblings) {
                result = status
                break
            }
            steps += 1
            if steps >= Self.longClimb && scope == nil {
                if let known = climbMemo[key, current].flatMap(Status.init(rawValue:)) {
                    result = known
                    break
                }
                passed.append(current)
            }
            next = upward ? Self.parentElement(current) : Self.previousElement(current)
        }
        // For each element passed: what the climb over its ancestors (or previous siblings) gave.
        for node in passed { climbMemo[key, node] = result.rawValue }
        return result
    }
}
