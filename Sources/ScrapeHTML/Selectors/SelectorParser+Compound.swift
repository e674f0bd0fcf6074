/// Compound selectors: a type or `*`, then ids, classes, attribute selectors and
/// pseudo-classes, then perhaps the pseudo-element.
extension SelectorParser {
    struct ParsedCompound {
        var compound: CompoundSelector
        /// The pseudo-element that ended it, and where it starts.
        var pseudoElement: (PseudoElement, Int)?
    }

    /// The compound at the current token, or nil when none starts there.
    mutating func parseCompound() throws(SelectorError) -> ParsedCompound? {
        let start = index
        var compound = CompoundSelector(type: nil, conditions: [])
        switch current.kind {
        case .ident(let name):
            try refuseNamespace(after: 1)
            index += 1
            let written = Array(name.utf8)
            compound.type = TypeSelector(lowercased: nameIndex(written.map(ASCII.lowercased)), asWritten: nameIndex(written))
        case .delim("*"):
            try refuseNamespace(after: 1)
            index += 1
        case .delim("|"):
            try refuseNamespace(after: 0)
        default:
            break
        }
        while !atEnd {
            let token = tokens[index]
            switch token.kind {
            case .hash(let name, let isID):
                guard isID else {
                    throw SelectorError(.invalid, "'#\(name)' is not a valid id selector", at: token.offset, detail: "a name cannot start with a digit unless escaped, as in '#\\31 23'")
                }
                index += 1
                compound.conditions.append(.id(Array(name.utf8)))
            case .delim("."):
                guard case .ident(let name) = peekKind(1) else {
                    throw SelectorError(.unexpected, "expected a class name after '.'", at: token.offset)
                }
                index += 2
                compound.conditions.append(.className(Array(name.utf8)))
            case .leftBracket:
                index += 1
                compound.conditions.append(.attribute(try parseAttribute(openedAt: token.offset)))
            case .colon:
                if peekKind(1) == .colon {
                    let pseudo = try parsePseudoElement()
                    return ParsedCompound(compound: compound, pseudoElement: (pseudo, token.offset))
                }
                index += 1
                compound.conditions.append(try parsePseudoClass(colonAt: token.offset))
            case .number(_, _, let text) where text.hasPrefix("."), .dimension(_, _, let text, _) where text.hasPrefix("."):
                throw SelectorError(.invalid, "'\(token.quoted.dropFirst().dropLast())' is not a valid class selector", at: token.offset,
                                    detail: "a name cannot start with a digit unless escaped, as in '.\\31 23'")
            default:
                return index > start ? ParsedCompound(compound: compound) : nil
            }
        }
        return index > start ? ParsedCompound(compound: compound) : nil
    }

    /// `ns|E`, `*|E` and `|E`: namespaces need `@namespace` rules, which selectors given
    /// on their own have not; refused rather than matched by a guess.
    func refuseNamespace(after ahead: Int) throws(SelectorError) {
        guard case .delim("|") = peekKind(ahead), peekKind(ahead + 1) != .delim("=") else { return }
        throw SelectorError(.unsupported, "namespace prefix '|'", at: tokens[index + ahead].offset,
                            detail: "namespaces are not supported (HTML elements match without one)")
    }

    // MARK: Pseudo-elements

    /// `::text`, `::html`, `::attr(NAME)`, `::url(NAME)`; at `::`.
    mutating func parsePseudoElement() throws(SelectorError) -> PseudoElement {
        let offset = current.offset
        index += 2
        switch current.kind {
        case .ident(let name):
            index += 1
            switch name.lowercased() {
            case "text": return .text
            case "html": return .html
            case "attr", "url": throw SelectorError(.invalid, "::\(name.lowercased()) needs a name", at: offset, detail: "write '::\(name.lowercased())(href)'")
            default: throw SelectorError(.unknownPseudo, "unknown pseudo-element '::\(name)'", at: offset, detail: Self.pseudoElementHint)
            }
        case .function(let name):
            index += 1
            let lower = name.lowercased()
            guard lower == "attr" || lower == "url" else {
                throw SelectorError(.unknownPseudo, "unknown pseudo-element '::\(name)'", at: offset, detail: Self.pseudoElementHint)
            }
            let close = matchingClose()
            let argument = tokens[index..<close].filter { $0.kind != .whitespace }
            index = close < end ? close + 1 : close
            guard !argument.isEmpty else { throw SelectorError(.invalid, "::\(lower) needs a name", at: offset, detail: "write '::\(lower)(href)'") }
            switch argument.first?.kind {
            case .ident(let attribute) where argument.count == 1: return lower == "attr" ? .attribute(attribute) : .url(attribute)
            case .string(let attribute) where argument.count == 1 && !attribute.isEmpty: return lower == "attr" ? .attribute(attribute) : .url(attribute)
            default: throw SelectorError(.invalid, "::\(lower)() takes one attribute name", at: argument[0].offset)
            }
        default:
            throw SelectorError(.unexpected, "expected a pseudo-element name after '::'", at: offset)
        }
    }

    static let pseudoElementHint = "scrape knows '::text', '::attr(NAME)', '::url(NAME)' and '::html'"

    // MARK: Brackets

    /// The index of the token that closes the block opened just before `index` (a
    /// function's or `(`'s `)`), or `end` when the selector ends first (CSS closes blocks
    /// at the end). Inner blocks (`[…]`, `(…)`, `{…}`) are skipped whole.
    func matchingClose() -> Int {
        var expected: [CSSToken.Kind] = [.rightParen]
        var position = index
        while position < end {
            switch tokens[position].kind {
            case .function, .leftParen: expected.append(.rightParen)
            case .leftBracket: expected.append(.rightBracket)
            case .leftBrace: expected.append(.rightBrace)
            case let kind where kind == expected.last:
                expected.removeLast()
                if expected.isEmpty { return position }
            default: break
            }
            position += 1
        }
        return end
    }
}
