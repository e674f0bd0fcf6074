/// A token of CSS Syntax Level 3 (section 4), as far as selectors need them. Values are
/// already unescaped; `offset` is where the token starts, in Unicode scalars.
struct CSSToken: Equatable {
    enum Kind: Equatable {
        case ident(String)
        case function(String)
        case atKeyword(String)
        /// `#name`; `isID` when the name would start an identifier (the "id" type flag).
        case hash(String, isID: Bool)
        case string(String)
        /// A string cut by a newline.
        case badString
        case delim(Unicode.Scalar)
        /// `text` is the number as written, sign included (An+B needs the sign).
        case number(Double, isInteger: Bool, text: String)
        case percentage(Double)
        case dimension(Double, isInteger: Bool, text: String, unit: String)
        case whitespace
        case colon
        case semicolon
        case comma
        case leftBracket
        case rightBracket
        case leftParen
        case rightParen
        case leftBrace
        case rightBrace
        case cdo
        case cdc
        case eof
    }

    var kind: Kind
    var offset: Int

    /// The token as a person would quote it in an error message.
    var quoted: String {
        switch kind {
        case .ident(let name): return "'\(name)'"
        case .function(let name): return "'\(name)('"
        case .atKeyword(let name): return "'@\(name)'"
        case .hash(let name, _): return "'#\(name)'"
        case .string(let value): return "string \"\(value)\""
        case .badString: return "an unterminated string"
        case .delim(let scalar): return "'\(scalar)'"
        case .number(_, _, let text): return "'\(text)'"
        case .percentage(let value): return "'\(value)%'"
        case .dimension(_, _, let text, let unit): return "'\(text)\(unit)'"
        case .whitespace: return "whitespace"
        case .colon: return "':'"
        case .semicolon: return "';'"
        case .comma: return "','"
        case .leftBracket: return "'['"
        case .rightBracket: return "']'"
        case .leftParen: return "'('"
        case .rightParen: return "')'"
        case .leftBrace: return "'{'"
        case .rightBrace: return "'}'"
        case .cdo: return "'<!--'"
        case .cdc: return "'-->'"
        case .eof: return "the end"
        }
    }
}
