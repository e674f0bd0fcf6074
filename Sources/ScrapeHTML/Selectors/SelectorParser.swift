/// Reads a selector list (Selectors Level 4, the parts `querySelectorAll` users write)
/// from CSS tokens into the compiled form. One parser per selector text; nested argument
/// lists (`:is(…)`, `:has(…)`, `of S`) are parsed by the same parser over a narrower
/// token range (`end`), found by matching the argument's brackets first.
struct SelectorParser {
    let tokens: [CSSToken]
    var index = 0
    /// Where the range being parsed ends (exclusive): an argument's `)` or the `.eof` token.
    var end: Int
    /// The names the selector compares (type and attribute names), deduplicated.
    var names: [[UInt8]] = []
    private var nameIndexes: [[UInt8]: Int] = [:]
    /// Set while parsing a `:has()` argument: `:has()` does not nest.
    var insideHas = false
    /// How many functional pseudo-classes enclose the current token.
    var depth = 0

    init(_ text: String) {
        tokens = CSSTokenizer.tokenize(text)
        end = tokens.count - 1
        _ = nameIndex(Self.idName)
        _ = nameIndex(Self.className)
    }

    /// `id` and `class` are always in the name table, at these indexes.
    static let idName: [UInt8] = Array("id".utf8)
    static let className: [UInt8] = Array("class".utf8)
    static let idIndex = 0
    static let classIndex = 1

    /// The selector list and its pseudo-element (see ``CSSSelector`` for the list rule).
    mutating func parseSelectorList() throws(SelectorError) -> (SelectorList, PseudoElement?) {
        var selectors: [ComplexSelector] = []
        var pseudoElements: [(PseudoElement?, Int)] = []
        repeat {
            let (complex, pseudo) = try parseComplex(allowsPseudoElement: true)
            selectors.append(complex)
            pseudoElements.append(pseudo)
        } while consumeComma()
        try expectEnd()
        return (SelectorList(selectors: selectors), try Self.listPseudoElement(pseudoElements))
    }

    /// One pseudo-element for the list: on the last selector only (it then applies to all)
    /// or the same one on every selector.
    private static func listPseudoElement(_ written: [(PseudoElement?, Int)]) throws(SelectorError) -> PseudoElement? {
        let last = written.last?.0
        for (pseudo, offset) in written.dropLast() {
            guard let pseudo, pseudo != last else { continue }
            if let last {
                throw SelectorError(.invalid, "'\(pseudo)' differs from the list's '\(last)'", at: offset, detail: "one pseudo-element applies to the whole list")
            }
            throw SelectorError(.invalid, "'\(pseudo)' is not at the end of the list", at: offset,
                                detail: "one pseudo-element applies to the whole list: write it after the last selector, or after every one")
        }
        return last
    }

    // MARK: Tokens

    var current: CSSToken { index < end ? tokens[index] : CSSToken(kind: .eof, offset: tokens[end].offset) }
    var atEnd: Bool { index >= end }

    func peekKind(_ ahead: Int) -> CSSToken.Kind {
        index + ahead < end ? tokens[index + ahead].kind : .eof
    }

    /// Skips whitespace; whether there was any.
    @discardableResult
    mutating func skipWhitespace() -> Bool {
        let start = index
        while !atEnd && tokens[index].kind == .whitespace { index += 1 }
        return index > start
    }

    mutating func consumeComma() -> Bool {
        skipWhitespace()
        guard !atEnd, tokens[index].kind == .comma else { return false }
        index += 1
        return true
    }

    func expectEnd() throws(SelectorError) {
        guard atEnd else { throw unexpected(current) }
    }

    func unexpected(_ token: CSSToken) -> SelectorError {
        if token.kind == .badString {
            return SelectorError(.invalid, "unterminated string", at: token.offset, detail: "a string cannot hold a newline")
        }
        if token.kind == .eof { return SelectorError(.unexpected, "unexpected end of selector", at: token.offset) }
        return SelectorError(.unexpected, "unexpected \(token.quoted)", at: token.offset)
    }

    /// The index of a name in the name table, added when new.
    mutating func nameIndex(_ name: [UInt8]) -> Int {
        if let index = nameIndexes[name] { return index }
        names.append(name)
        nameIndexes[name] = names.count - 1
        return names.count - 1
    }

    // MARK: Complex selectors

    /// `compound (combinator compound)*`, with the pseudo-element that may end it (and its offset).
    mutating func parseComplex(allowsPseudoElement: Bool) throws(SelectorError) -> (ComplexSelector, (PseudoElement?, Int)) {
        skipWhitespace()
        var compounds: [CompoundSelector] = []
        var combinators: [Combinator] = []
        guard let first = try parseCompound() else {
            if case .delim(let scalar) = current.kind, Self.combinator(scalar) != nil, !atEnd {
                throw SelectorError(.unexpected, "expected a selector before \(current.quoted)", at: current.offset)
            }
            throw expectedSelector(after: nil)
        }
        compounds.append(first.compound)
        var pseudo = first.pseudoElement
        while pseudo == nil {
            let hadWhitespace = skipWhitespace()
            if atEnd || tokens[index].kind == .comma { break }
            let combinatorToken = tokens[index]
            var combinator = Combinator.descendant
            if case .delim(let scalar) = combinatorToken.kind, let explicit = Self.combinator(scalar) {
                combinator = explicit
                index += 1
                skipWhitespace()
            } else if !hadWhitespace {
                throw unexpected(combinatorToken)
            }
            guard let next = try parseCompound() else {
                throw expectedSelector(after: combinator == .descendant ? nil : combinatorToken)
            }
            combinators.append(combinator)
            compounds.append(next.compound)
            pseudo = next.pseudoElement
        }
        if let (element, offset) = pseudo {
            guard allowsPseudoElement else {
                throw SelectorError(.invalid, "pseudo-element '\(element)' inside an argument", at: offset, detail: "a pseudo-element can only end the whole selector")
            }
            skipWhitespace()
            if !atEnd && tokens[index].kind != .comma {
                throw SelectorError(.unexpected, "unexpected \(current.quoted) after '\(element)'", at: current.offset, detail: "a pseudo-element ends the selector")
            }
        }
        let complex = ComplexSelector(compounds: compounds.reversed(), combinators: combinators.reversed())
        return (complex, (pseudo?.0, pseudo?.1 ?? 0))
    }

    static func combinator(_ scalar: Unicode.Scalar) -> Combinator? {
        switch scalar {
        case ">": return .child
        case "+": return .nextSibling
        case "~": return .subsequentSibling
        default: return nil
        }
    }

    /// "expected a selector" where a compound is missing: after a combinator, or at the
    /// start of a selector (an empty selector, `a,,b`); any other token is unexpected.
    func expectedSelector(after combinator: CSSToken?) -> SelectorError {
        let token = current
        if token.kind == .badString { return unexpected(token) }
        if let combinator {
            return SelectorError(.unexpected, "expected a selector after \(combinator.quoted)", at: combinator.offset)
        }
        if atEnd || token.kind == .comma { return SelectorError(.unexpected, "expected a selector", at: token.offset) }
        return unexpected(token)
    }
}
