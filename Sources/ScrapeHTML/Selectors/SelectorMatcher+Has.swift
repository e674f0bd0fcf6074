import CLibXML2

/// `:has()`: whether some element related to the anchor as a relative selector says
/// matches it.
///
/// The common case, `:has(compound)` (a descendant that matches one compound, `:has(img)`,
/// `:has(.price)`), is answered from a cache filled as subtrees are searched: an element
/// whose subtree was searched without a match is remembered as such, and every ancestor
/// of a match up to the anchor is remembered as containing one. A query over the whole
/// document therefore visits each element a bounded number of times instead of once per
/// ancestor. `> c`, `+ c` and `~ c` look at children or siblings only; longer relative
/// selectors (`:has(> a b)`) search the anchor's subtree (or its following siblings'),
/// matching each candidate with the anchor as scope.
extension SelectorMatcher {
    mutating func matchesHas(list index: Int, _ anchor: xmlNodePtr) -> Bool {
        let list = lists[index]
        for offset in 0..<list.count where matches(relative: list.start + offset, anchor) {
            return true
        }
        return false
    }

    /// One relative selector: its compounds run subject first and end with the scope.
    private mutating func matches(relative index: Int, _ anchor: xmlNodePtr) -> Bool {
        let relative = complexes[index]
        guard let first = compounds[relative.start + relative.count - 2].combinator else { return false }
        if relative.count == 2 {
            let compound = compounds[relative.start]
            switch first {
            case .descendant:
                return descendant(of: anchor, matching: compound, key: index)
            case .child:
                var child = Self.firstElementChild(anchor)
                while let current = child {
                    if matches(compound, current, scope: anchor) { return true }
                    child = Self.nextElement(current)
                }
                return false
            case .nextSibling:
                guard let next = Self.nextElement(anchor) else { return false }
                return matches(compound, next, scope: anchor)
            case .subsequentSibling:
                var sibling = Self.nextElement(anchor)
                while let current = sibling {
                    if matches(compound, current, scope: anchor) { return true }
                    sibling = Self.nextElement(current)
                }
                return false
            }
        }
        // General case: every element that could be the subject, matched with the anchor as scope.
        if first.goesUp {
            return searchSubtree(of: anchor) { matcher, candidate in matcher.match(relative, from: 0, candidate, scope: anchor) == .matched }
        }
        var sibling = Self.nextElement(anchor)
        while let current = sibling {
            if match(relative, from: 0, current, scope: anchor) == .matched { return true }
            if searchSubtree(of: current, { matcher, candidate in matcher.match(relative, from: 0, candidate, scope: anchor) == .matched }) { return true }
            if first == .nextSibling { return false }
            sibling = Self.nextElement(current)
        }
        return false
    }

    /// Whether some element of the subtree below `root` (not `root`) passes `test`, in tree order.
    private mutating func searchSubtree(of root: xmlNodePtr, _ test: (inout SelectorMatcher, xmlNodePtr) -> Bool) -> Bool {
        var node = Self.firstElementChild(root)
        while let current = node {
            if test(&self, current) { return true }
            if let child = Self.firstElementChild(current) {
                node = child
                continue
            }
            node = nil
            var climb: xmlNodePtr? = current
            while let up = climb, up != root {
                if let next = Self.nextElement(up) { node = next; break }
                climb = Self.parentElement(up)
            }
        }
        return false
    }

    /// Whether an element below `anchor` matches `compound`, using and filling the cache
    /// (`hasMemo[key, element]`: 1 when some element strictly below `element` matches, 0 when none does).
    private mutating func descendant(of anchor: xmlNodePtr, matching compound: SelectorProgram.Compound, key: Int) -> Bool {
        if let known = hasMemo[key, anchor] { return known == 1 }
        var node = Self.firstElementChild(anchor)
        while let current = node {
            let firstChild = Self.firstElementChild(current)
            // Only elements with children are ever in the cache.
            let known = firstChild == nil ? nil : hasMemo[key, current]
            if known == 1 || matches(compound, current, scope: anchor) {
                var up = Self.parentElement(current)
                while let ancestor = up {
                    hasMemo[key, ancestor] = 1
                    if ancestor == anchor { break }
                    up = Self.parentElement(ancestor)
                }
                return true
            }
            if known == nil, let child = firstChild {
                node = child
                continue
            }
            // `current`'s subtree holds no match; so does every subtree the climb leaves.
            node = nil
            var climb: xmlNodePtr? = current
            while let up = climb, up != anchor {
                if let next = Self.nextElement(up) { node = next; break }
                climb = Self.parentElement(up)
                if let finished = climb, finished != anchor { hasMemo[key, finished] = 0 }
            }
        }
        hasMemo[key, anchor] = 0
        return false
    }
}
