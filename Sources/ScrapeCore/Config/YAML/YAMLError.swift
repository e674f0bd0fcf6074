/// Why a text is not a YAML document the config reader can use, worded as users of the
/// config file have always read it (after `not valid YAML: `): the place first, then
/// libyaml's context and problem, then the line with a caret under the place.
///
///     2:1: error: parser: while parsing a flow sequence in line 1, column 7
///     did not find expected ',' or ']':
///     http: [unclosed
///     ^
struct YAMLError: Error, Sendable, CustomStringConvertible {
    let description: String

    /// What libyaml's error fields, and the composer's own checks, are about.
    enum Stage: String {
        case scanner, parser, composer
    }

    /// libyaml ran out of memory.
    static let memory = YAMLError(description: "Memory error")

    /// A scanner, parser or composer error at `mark`, with the context libyaml gives (a
    /// construct and where it started) when it gives one.
    static func located(
        _ stage: Stage, context: (text: String, mark: YAMLMark)?, problem: String, at mark: YAMLMark, in yaml: String
    ) -> YAMLError {
        let contextText = context.map { "\($0.text) in line \($0.mark.line), column \($0.mark.column)\n" } ?? ""
        return YAMLError(description: "\(mark): error: \(stage.rawValue): \(contextText)\(problem):\n" + YAMLText(yaml).snippet(at: mark))
    }

    /// A character libyaml's reader refuses (a control character), at a UTF-8 offset.
    static func reader(problem: String, byteOffset: Int, value: Int32, in yaml: String) -> YAMLError {
        guard let index = yaml.utf8.index(yaml.utf8.startIndex, offsetBy: byteOffset, limitedBy: yaml.utf8.endIndex)?.samePosition(in: yaml) else {
            return YAMLError(description: "\(problem) at offset: nil, value: \(value)")
        }
        let text = YAMLText(yaml)
        let line = text.lineIndex(containing: index)
        let contents = text.line(line)
        let column = yaml.utf16.distance(from: contents.startIndex, to: index)
        let mark = YAMLMark(line: line + 1, column: column + 1)
        return YAMLError(
            description: "\(mark): error: reader: \(problem):\n" + YAMLText.endingWithLineBreak(contents) + String(repeating: " ", count: column) + "^")
    }

    /// Keys of one mapping that are equal (same text and resolved tag), listed sorted;
    /// `mark` is the first key's first place. The context is the whole text, as it has
    /// always been.
    static func duplicateKeys(_ keys: [String], firstAt mark: YAMLMark, in yaml: String) -> YAMLError {
        let list = keys.sorted().map { "'\($0)'" }.joined(separator: ", ")
        return YAMLError(
            description: """
                Parser: expected all keys to be unique but found the following duplicated key(s): \(list).
                Context:
                \(yaml) in line \(mark.line), column \(mark.column)

                """)
    }
}

/// A YAML text's lines, for the line an error quotes. Line breaks are YAML's (LF, CR,
/// CRLF, NEL, LS, PS), which libyaml counts lines by; each line keeps its break.
struct YAMLText {
    let text: String
    /// Where each line ends (after its break); the last line may have none.
    private let lineEnds: [String.Index]

    init(_ text: String) {
        self.text = text
        var ends: [String.Index] = []
        let scalars = text.unicodeScalars
        var index = scalars.startIndex
        while index < scalars.endIndex {
            let scalar = scalars[index]
            index = scalars.index(after: index)
            switch scalar {
            case "\r":
                if index < scalars.endIndex, scalars[index] == "\n" { index = scalars.index(after: index) }
                ends.append(index)
            case "\n", "\u{85}", "\u{2028}", "\u{2029}":
                ends.append(index)
            default:
                continue
            }
        }
        if ends.last != text.endIndex { ends.append(text.endIndex) }
        lineEnds = ends
    }

    /// Line `index` (0-based) with its break; past the end, the last line.
    func line(_ index: Int) -> Substring {
        let line = min(max(index, 0), lineEnds.count - 1)
        let start = line == 0 ? text.startIndex : lineEnds[line - 1]
        return text[start..<lineEnds[line]]
    }

    /// The 0-based line `index` is on (a line's end belongs to the next line).
    func lineIndex(containing index: String.Index) -> Int {
        lineEnds.firstIndex { $0 > index } ?? lineEnds.count - 1
    }

    /// The line of `mark` and a caret under its column (indented by the UTF-16 length of
    /// what comes before, as terminals mostly show it).
    func snippet(at mark: YAMLMark) -> String {
        let contents = line(mark.line - 1)
        let scalars = contents.unicodeScalars
        let caretIndex = scalars.index(scalars.startIndex, offsetBy: mark.column - 1, limitedBy: scalars.endIndex) ?? scalars.endIndex
        let indent = contents.utf16.distance(from: contents.startIndex, to: caretIndex)
        return Self.endingWithLineBreak(contents) + String(repeating: " ", count: indent) + "^"
    }

    /// `line`, with a line feed added when it does not end with a line break.
    static func endingWithLineBreak(_ line: Substring) -> String {
        switch line.unicodeScalars.last {
        case "\n", "\u{0B}", "\u{0C}", "\r", "\u{85}", "\u{2028}", "\u{2029}": String(line)
        default: String(line) + "\n"
        }
    }
}
