extension HTMLTokenizer {
    /// The tokenizer's states, named as in the HTML standard (13.2.5.1 to 13.2.5.71).
    ///
    /// The tree builder sets ``data``, ``rcdata``, ``rawtext``, ``scriptData`` and
    /// ``plaintext``; the others are the tokenizer's own (settable for tests, such as
    /// html5lib's "CDATA section state" start). The character reference states
    /// (13.2.5.72 to 13.2.5.80) are not here: a reference is read in one go, from the `&`
    /// (it never ends a token or waits for more input), by `consumeCharacterReference()`.
    enum State: Sendable, Equatable {
        case data
        case rcdata
        case rawtext
        case scriptData
        case plaintext
        case tagOpen
        case endTagOpen
        case tagName
        case rcdataLessThanSign
        case rcdataEndTagOpen
        case rcdataEndTagName
        case rawtextLessThanSign
        case rawtextEndTagOpen
        case rawtextEndTagName
        case scriptDataLessThanSign
        case scriptDataEndTagOpen
        case scriptDataEndTagName
        case scriptDataEscapeStart
        case scriptDataEscapeStartDash
        case scriptDataEscaped
        case scriptDataEscapedDash
        case scriptDataEscapedDashDash
        case scriptDataEscapedLessThanSign
        case scriptDataEscapedEndTagOpen
        case scriptDataEscapedEndTagName
        case scriptDataDoubleEscapeStart
        case scriptDataDoubleEscaped
        case scriptDataDoubleEscapedDash
        case scriptDataDoubleEscapedDashDash
        case scriptDataDoubleEscapedLessThanSign
        case scriptDataDoubleEscapeEnd
        case beforeAttributeName
        case attributeName
        case afterAttributeName
        case beforeAttributeValue
        case attributeValueDoubleQuoted
        case attributeValueSingleQuoted
        case attributeValueUnquoted
        case afterAttributeValueQuoted
        case selfClosingStartTag
        case bogusComment
        case markupDeclarationOpen
        case commentStart
        case commentStartDash
        case comment
        case commentLessThanSign
        case commentLessThanSignBang
        case commentLessThanSignBangDash
        case commentLessThanSignBangDashDash
        case commentEndDash
        case commentEnd
        case commentEndBang
        case doctype
        case beforeDoctypeName
        case doctypeName
        case afterDoctypeName
        case afterDoctypePublicKeyword
        case beforeDoctypePublicIdentifier
        case doctypePublicIdentifierDoubleQuoted
        case doctypePublicIdentifierSingleQuoted
        case afterDoctypePublicIdentifier
        case betweenDoctypePublicAndSystemIdentifiers
        case afterDoctypeSystemKeyword
        case beforeDoctypeSystemIdentifier
        case doctypeSystemIdentifierDoubleQuoted
        case doctypeSystemIdentifierSingleQuoted
        case afterDoctypeSystemIdentifier
        case bogusDoctype
        case cdataSection
        case cdataSectionBracket
        case cdataSectionEnd
    }

    /// Runs the current state once (one character, or a run of them); returns a token kind
    /// when one is ready to hand out.
    mutating func step() -> HTMLTokenKind? {
        switch state {
        case .data: return dataState()
        case .rcdata: return rcdataState()
        case .rawtext: return rawtextState()
        case .scriptData: return scriptDataState()
        case .plaintext: return plaintextState()
        case .tagOpen: return tagOpenState()
        case .endTagOpen: return endTagOpenState()
        case .tagName: return tagNameState()
        case .rcdataLessThanSign: return textLessThanSignState(text: .rcdata, endTagOpen: .rcdataEndTagOpen)
        case .rcdataEndTagOpen: return textEndTagOpenState(text: .rcdata, endTagName: .rcdataEndTagName)
        case .rcdataEndTagName: return textEndTagNameState(text: .rcdata)
        case .rawtextLessThanSign: return textLessThanSignState(text: .rawtext, endTagOpen: .rawtextEndTagOpen)
        case .rawtextEndTagOpen: return textEndTagOpenState(text: .rawtext, endTagName: .rawtextEndTagName)
        case .rawtextEndTagName: return textEndTagNameState(text: .rawtext)
        case .scriptDataLessThanSign: return scriptDataLessThanSignState()
        case .scriptDataEndTagOpen: return textEndTagOpenState(text: .scriptData, endTagName: .scriptDataEndTagName)
        case .scriptDataEndTagName: return textEndTagNameState(text: .scriptData)
        case .scriptDataEscapeStart: return scriptDataEscapeStartState()
        case .scriptDataEscapeStartDash: return scriptDataEscapeStartDashState()
        case .scriptDataEscaped: return scriptDataEscapedState()
        case .scriptDataEscapedDash: return scriptDataEscapedDashState()
        case .scriptDataEscapedDashDash: return scriptDataEscapedDashDashState()
        case .scriptDataEscapedLessThanSign: return scriptDataEscapedLessThanSignState()
        case .scriptDataEscapedEndTagOpen:
            return textEndTagOpenState(text: .scriptDataEscaped, endTagName: .scriptDataEscapedEndTagName)
        case .scriptDataEscapedEndTagName: return textEndTagNameState(text: .scriptDataEscaped)
        case .scriptDataDoubleEscapeStart: return scriptDataDoubleEscapeStartState()
        case .scriptDataDoubleEscaped: return scriptDataDoubleEscapedState()
        case .scriptDataDoubleEscapedDash: return scriptDataDoubleEscapedDashState()
        case .scriptDataDoubleEscapedDashDash: return scriptDataDoubleEscapedDashDashState()
        case .scriptDataDoubleEscapedLessThanSign: return scriptDataDoubleEscapedLessThanSignState()
        case .scriptDataDoubleEscapeEnd: return scriptDataDoubleEscapeEndState()
        case .beforeAttributeName: return beforeAttributeNameState()
        case .attributeName: return attributeNameState()
        case .afterAttributeName: return afterAttributeNameState()
        case .beforeAttributeValue: return beforeAttributeValueState()
        case .attributeValueDoubleQuoted: return attributeValueQuotedState(quote: UInt8(ascii: "\""))
        case .attributeValueSingleQuoted: return attributeValueQuotedState(quote: UInt8(ascii: "'"))
        case .attributeValueUnquoted: return attributeValueUnquotedState()
        case .afterAttributeValueQuoted: return afterAttributeValueQuotedState()
        case .selfClosingStartTag: return selfClosingStartTagState()
        case .bogusComment: return bogusCommentState()
        case .markupDeclarationOpen: return markupDeclarationOpenState()
        case .commentStart: return commentStartState()
        case .commentStartDash: return commentStartDashState()
        case .comment: return commentState()
        case .commentLessThanSign: return commentLessThanSignState()
        case .commentLessThanSignBang: return commentLessThanSignBangState()
        case .commentLessThanSignBangDash: return commentLessThanSignBangDashState()
        case .commentLessThanSignBangDashDash: return commentLessThanSignBangDashDashState()
        case .commentEndDash: return commentEndDashState()
        case .commentEnd: return commentEndState()
        case .commentEndBang: return commentEndBangState()
        case .doctype: return doctypeState()
        case .beforeDoctypeName: return beforeDoctypeNameState()
        case .doctypeName: return doctypeNameState()
        case .afterDoctypeName: return afterDoctypeNameState()
        case .afterDoctypePublicKeyword: return afterDoctypeKeywordState(system: false)
        case .beforeDoctypePublicIdentifier: return beforeDoctypeIdentifierState(system: false)
        case .doctypePublicIdentifierDoubleQuoted: return doctypeIdentifierState(system: false, quote: UInt8(ascii: "\""))
        case .doctypePublicIdentifierSingleQuoted: return doctypeIdentifierState(system: false, quote: UInt8(ascii: "'"))
        case .afterDoctypePublicIdentifier: return afterDoctypePublicIdentifierState()
        case .betweenDoctypePublicAndSystemIdentifiers: return betweenDoctypeIdentifiersState()
        case .afterDoctypeSystemKeyword: return afterDoctypeKeywordState(system: true)
        case .beforeDoctypeSystemIdentifier: return beforeDoctypeIdentifierState(system: true)
        case .doctypeSystemIdentifierDoubleQuoted: return doctypeIdentifierState(system: true, quote: UInt8(ascii: "\""))
        case .doctypeSystemIdentifierSingleQuoted: return doctypeIdentifierState(system: true, quote: UInt8(ascii: "'"))
        case .afterDoctypeSystemIdentifier: return afterDoctypeSystemIdentifierState()
        case .bogusDoctype: return bogusDoctypeState()
        case .cdataSection: return cdataSectionState()
        case .cdataSectionBracket: return cdataSectionBracketState()
        case .cdataSectionEnd: return cdataSectionEndState()
        }
    }

    /// The standard's "ASCII whitespace" as the tokenizer sees it (CR already read as LF).
    @inline(__always) static func isWhitespace(_ byte: UInt8) -> Bool {
        byte == 0x20 || byte == 0x0A || byte == 0x09 || byte == 0x0C
    }
}
