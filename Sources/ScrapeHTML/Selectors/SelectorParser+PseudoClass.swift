/// Pseudo-classes: the structural ones and the logical ones (`:not`, `:is`, `:where`,
/// `:has`); real pseudo-classes that need a browser's state are refused by name.
extension SelectorParser {
    /// After `:` (at `colonAt`).
    mutating func parsePseudoClass(colonAt offset: Int) throws(SelectorError) -> SimpleSelector {
        let token = current
        switch token.kind {
        case .ident(let name):
            index += 1
            let lower = name.lowercased()
            switch lower {
            case "first-child": return .nth(NthSelector(pattern: .first, fromEnd: false, ofType: false, filter: nil, only: false))
            case "last-child": return .nth(NthSelector(pattern: .first, fromEnd: true, ofType: false, filter: nil, only: false))
            case "only-child": return .nth(NthSelector(pattern: .first, fromEnd: false, ofType: false, filter: nil, only: true))
            case "first-of-type": return .nth(NthSelector(pattern: .first, fromEnd: false, ofType: true, filter: nil, only: false))
            case "last-of-type": return .nth(NthSelector(pattern: .first, fromEnd: true, ofType: true, filter: nil, only: false))
            case "only-of-type": return .nth(NthSelector(pattern: .first, fromEnd: false, ofType: true, filter: nil, only: true))
            case "empty": return .empty
            case "root": return .root
            case _ where Self.functional.contains(lower):
                throw SelectorError(.invalid, "':\(name)' needs an argument", at: offset, detail: "write ':\(lower)(…)'")
            default:
                throw Self.unknownPseudoClass(":\(name)", lower, at: offset)
            }
        case .function(let name):
            index += 1
            let lower = name.lowercased()
            guard depth < Self.maximumDepth else {
                throw SelectorError(.invalid, "':\(name)()' nested too deeply", at: offset, detail: "at most \(Self.maximumDepth) levels of arguments")
            }
            depth += 1
            defer { depth -= 1 }
            let close = matchingClose()
            let outerEnd = end
            end = close
            let selector: SimpleSelector
            switch lower {
            case "not":
                selector = .not(try parseArgumentList(of: ":not()", at: offset))
            case "is", "where":
                selector = .is(parseForgivingList())
            case "has":
                selector = .has(try parseHasArgument(at: offset))
            case "nth-child", "nth-last-child", "nth-of-type", "nth-last-of-type":
                selector = .nth(try parseNth(lower, at: offset))
            case _ where Self.plain.contains(lower):
                end = outerEnd
                throw SelectorError(.invalid, "':\(lower)' takes no argument", at: offset)
            default:
                end = outerEnd
                throw Self.unknownPseudoClass(":\(name)()", lower, at: offset)
            }
            end = outerEnd
            index = close < end ? close + 1 : close
            return selector
        default:
            throw SelectorError(.unexpected, "expected a pseudo-class name after ':'", at: offset)
        }
    }

    /// How deeply arguments may nest (`:not(:is(:not(…)))`): parsing and matching recurse
    /// once per level, and a selector is written by a person, not generated.
    static let maximumDepth = 32

    private static let plain: Set<String> = ["first-child", "last-child", "only-child", "first-of-type", "last-of-type", "only-of-type", "empty", "root"]
    private static let functional: Set<String> = ["not", "is", "where", "has", "nth-child", "nth-last-child", "nth-of-type", "nth-last-of-type"]

    /// Real pseudo-classes (CSS, HTML) that need a browser's state or layout, so that a
    /// saved page cannot answer them.
    private static let stateful: Set<String> = [
        "hover", "active", "focus", "focus-visible", "focus-within", "visited", "link", "any-link", "local-link", "target",
        "target-within", "checked", "default", "indeterminate", "enabled", "disabled", "required", "optional", "valid",
        "invalid", "user-valid", "user-invalid", "in-range", "out-of-range", "read-only", "read-write", "placeholder-shown",
        "autofill", "blank", "defined", "host", "host-context", "state", "fullscreen", "modal",
        "picture-in-picture", "playing", "paused", "seeking", "buffering", "stalled", "muted", "volume-locked", "popover-open",
        "open", "closed", "current", "past", "future", "nth-col", "nth-last-col", "matches", "any",
    ]

    /// Real pseudo-classes refused for another reason than state, with that reason.
    private static let otherwiseUnsupported: [String: String] = [
        "scope": "a field's selector is matched against the whole document, with no scoping element (write ':root')",
        "lang": "an element's language also comes from HTTP headers, which the matcher does not see (write '[lang|=en]')",
        "dir": "an element's direction is computed from its text, which the matcher does not do (write '[dir=rtl]')",
    ]

    /// CSS 2's pseudo-elements, which may be written with one colon.
    private static let legacyPseudoElements: Set<String> = ["before", "after", "first-line", "first-letter"]

    private static func unknownPseudoClass(_ written: String, _ lower: String, at offset: Int) -> SelectorError {
        if legacyPseudoElements.contains(lower) {
            return SelectorError(.unsupported, "unsupported pseudo-element '\(written)'", at: offset, detail: pseudoElementHint)
        }
        if let reason = otherwiseUnsupported[lower] {
            return SelectorError(.unsupported, "unsupported pseudo-class '\(written)'", at: offset, detail: reason)
        }
        if stateful.contains(lower) || lower.hasPrefix("-webkit-") || lower.hasPrefix("-moz-") {
            return SelectorError(.unsupported, "unsupported pseudo-class '\(written)'", at: offset,
                                 detail: "it depends on a browser's state or layout, which a saved page has not")
        }
        return SelectorError(.unknownPseudo, "unknown pseudo-class '\(written)'", at: offset)
    }

    // MARK: Arguments

    /// A (non-forgiving) complex selector list filling the argument range.
    mutating func parseArgumentList(of name: String, at offset: Int) throws(SelectorError) -> SelectorList {
        skipWhitespace()
        if atEnd { throw SelectorError(.invalid, "\(name) needs a selector", at: offset) }
        var selectors: [ComplexSelector] = []
        repeat {
            selectors.append(try parseComplex(allowsPseudoElement: false).0)
        } while consumeComma()
        try expectEnd()
        return SelectorList(selectors: selectors)
    }

    /// `:is()`/`:where()`'s forgiving list: a selector that does not parse is dropped
    /// (an empty list matches nothing).
    mutating func parseForgivingList() -> SelectorList {
        var selectors: [ComplexSelector] = []
        let outerEnd = end
        for (start, stop) in topLevelPieces() {
            index = start
            end = stop
            if let complex = try? parseComplex(allowsPseudoElement: false).0, (try? expectEnd()) != nil {
                selectors.append(complex)
            }
        }
        end = outerEnd
        return SelectorList(selectors: selectors)
    }

    /// The ranges between the argument's top-level commas.
    private func topLevelPieces() -> [(Int, Int)] {
        var pieces: [(Int, Int)] = []
        var depth = 0
        var start = index
        for position in index..<end {
            switch tokens[position].kind {
            case .function, .leftParen, .leftBracket, .leftBrace: depth += 1
            case .rightParen, .rightBracket, .rightBrace: depth -= 1
            case .comma where depth == 0:
                pieces.append((start, position))
                start = position + 1
            default: break
            }
        }
        pieces.append((start, end))
        return pieces
    }

    /// `:has()`'s relative selectors (`> img`, `+ p`, `~ p`, `img`).
    mutating func parseHasArgument(at offset: Int) throws(SelectorError) -> HasSelector {
        guard !insideHas else {
            throw SelectorError(.invalid, "':has()' inside ':has()'", at: offset, detail: "':has()' cannot be nested")
        }
        insideHas = true
        defer { insideHas = false }
        skipWhitespace()
        if atEnd { throw SelectorError(.invalid, ":has() needs a selector", at: offset) }
        var relative: [ComplexSelector] = []
        repeat {
            skipWhitespace()
            var combinator = Combinator.descendant
            let combinatorToken = current
            if case .delim(let scalar) = current.kind, let explicit = Self.combinator(scalar) {
                combinator = explicit
                index += 1
                skipWhitespace()
                if atEnd || current.kind == .comma { throw expectedSelector(after: combinatorToken) }
            }
            var complex = try parseComplex(allowsPseudoElement: false).0
            complex.compounds.append(CompoundSelector(type: nil, conditions: [.scope]))
            complex.combinators.append(combinator)
            relative.append(complex)
        } while consumeComma()
        try expectEnd()
        return HasSelector(relative: relative)
    }

    /// `An+B`, `An+B of S` (the `*-child` forms only).
    mutating func parseNth(_ name: String, at offset: Int) throws(SelectorError) -> NthSelector {
        skipWhitespace()
        let start = index
        var stop = end
        var filter: SelectorList?
        for position in start..<end {
            if case .ident(let word) = tokens[position].kind, word.lowercased() == "of" {
                stop = position
                break
            }
        }
        var patternEnd = stop
        while patternEnd > start && tokens[patternEnd - 1].kind == .whitespace { patternEnd -= 1 }
        guard let pattern = NthPattern(tokens: tokens[start..<patternEnd]) else {
            let at = start < end ? tokens[start].offset : offset
            throw SelectorError(.invalid, "invalid An+B in ':\(name)()'", at: at, detail: "write 'odd', 'even', '3', '2n+1', '-n+3'")
        }
        if stop < end {
            guard !name.hasSuffix("of-type") else {
                throw SelectorError(.invalid, "':\(name)()' takes no 'of S'", at: tokens[stop].offset, detail: "only ':nth-child()' and ':nth-last-child()' do")
            }
            index = stop + 1
            filter = try parseArgumentList(of: "'of'", at: tokens[stop].offset)
        } else {
            index = end
        }
        return NthSelector(pattern: pattern, fromEnd: name.contains("last"), ofType: name.hasSuffix("of-type"), filter: filter, only: false)
    }
}
