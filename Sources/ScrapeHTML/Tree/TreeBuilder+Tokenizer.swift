/// Where the tree builder steers the tokenizer (the standard has it switch the
/// tokenizer's state for `title`, `textarea`, `style`, `script`, `plaintext`, ... and
/// allow CDATA sections only in foreign content). The one place that names the
/// tokenizer's own state type.
enum TokenizerTextState {
    case rcdata
    case rawtext
    case scriptData
    case plaintext
}

extension TreeBuilder {
    mutating func switchTokenizer(to state: TokenizerTextState) {
        switch state {
        case .rcdata: tokenizer.state = .rcdata
        case .rawtext: tokenizer.state = .rawtext
        case .scriptData: tokenizer.state = .scriptData
        case .plaintext: tokenizer.state = .plaintext
        }
    }

    /// CDATA sections are allowed when the adjusted current node is not an HTML element.
    mutating func updateTokenizerCDATA() {
        let foreign = adjustedCurrentNode.map { $0.namespace != .html } ?? false
        if tokenizer.allowsCDATA != foreign { tokenizer.allowsCDATA = foreign }
    }
}
