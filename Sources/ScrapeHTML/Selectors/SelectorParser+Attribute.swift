/// Attribute selectors: `[name]`, `[name=value]`, `~=`, `|=`, `^=`, `$=`, `*=`, each with
/// an optional `i` or `s` flag.
extension SelectorParser {
    /// After `[` (at `offset`), through `]` (or the end of the selector, which closes it).
    mutating func parseAttribute(openedAt offset: Int) throws(SelectorError) -> AttributeSelector {
        skipWhitespace()
        if case .delim(let scalar) = current.kind, scalar == "*" || scalar == "|" { try refuseNamespace(after: scalar == "*" ? 1 : 0) }
        guard case .ident(let name) = current.kind else {
            throw SelectorError(.invalid, "expected an attribute name after '['", at: current.kind == .eof ? offset : current.offset)
        }
        try refuseNamespace(after: 1)
        index += 1
        let written = Array(name.utf8)
        let lowered = written.map(ASCII.lowercased)
        var selector = AttributeSelector(name: nameIndex(lowered), nameAsWritten: nameIndex(written), matcher: .exists, value: [], caseRule: .standard,
                                         isLegacyCaseInsensitive: Self.legacyCaseInsensitive.contains(String(decoding: lowered, as: UTF8.self)))
        skipWhitespace()
        if atEnd || current.kind == .rightBracket {
            if !atEnd { index += 1 }
            return selector
        }
        let matcherToken = current
        guard let matcher = parseMatcher() else {
            throw SelectorError(.invalid, "expected ']' or one of = ~= |= ^= $= *= after the attribute name, not \(matcherToken.quoted)", at: matcherToken.offset)
        }
        selector.matcher = matcher
        let matcherText = matcher == .equals ? "'='" : "'\(matcherToken.quoted.dropFirst().dropLast())='"
        skipWhitespace()
        switch current.kind {
        case .ident(let value), .string(let value):
            selector.value = Array(value.utf8)
            index += 1
        case .badString:
            throw unexpected(current)
        default:
            throw SelectorError(.invalid, "expected a value after \(matcherText)", at: matcherToken.offset, detail: "an identifier or a quoted string")
        }
        skipWhitespace()
        if case .ident(let flag) = current.kind {
            switch flag.lowercased() {
            case "i": selector.caseRule = .insensitive
            case "s": selector.caseRule = .sensitive
            default: throw SelectorError(.invalid, "unknown attribute selector flag '\(flag)'", at: current.offset, detail: "the flags are 'i' and 's'")
            }
            index += 1
            skipWhitespace()
        }
        if atEnd { return selector }
        guard current.kind == .rightBracket else {
            throw SelectorError(.unexpected, "expected ']' to close the attribute selector, not \(current.quoted)", at: current.offset)
        }
        index += 1
        return selector
    }

    /// `=`, or one of `~|^$*` directly followed by `=`.
    private mutating func parseMatcher() -> AttributeSelector.Matcher? {
        guard case .delim(let scalar) = current.kind else { return nil }
        if scalar == "=" {
            index += 1
            return .equals
        }
        guard peekKind(1) == .delim("=") else { return nil }
        let matcher: AttributeSelector.Matcher
        switch scalar {
        case "~": matcher = .includes
        case "|": matcher = .dashMatch
        case "^": matcher = .prefix
        case "$": matcher = .suffix
        case "*": matcher = .substring
        default: return nil
        }
        index += 2
        return matcher
    }

    /// The attributes whose values the HTML standard has selectors compare ASCII
    /// case-insensitively on HTML elements (section 4.16.2, "case-sensitivity of
    /// selectors"), unless the selector has the `s` flag.
    static let legacyCaseInsensitive: Set<String> = [
        "accept", "accept-charset", "align", "alink", "axis", "bgcolor", "charset", "checked", "clear", "codetype", "color",
        "compact", "declare", "defer", "dir", "direction", "disabled", "enctype", "face", "frame", "hreflang", "http-equiv",
        "lang", "language", "link", "media", "method", "multiple", "nohref", "noresize", "noshade", "nowrap", "readonly",
        "rel", "rev", "rules", "scope", "scrolling", "selected", "shape", "target", "text", "type", "valign", "valuetype",
        "vlink",
    ]
}
