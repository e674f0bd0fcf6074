import CLibYAML

/// One libyaml parser over one text, handing out its events as Swift values: libyaml's
/// scanner and parser do the syntax (indentation, flow, quoting, folding, escapes, tag
/// handles) and report where things are; ``YAMLComposer`` builds nodes from the events.
///
/// The text is copied into memory of its own, which libyaml reads until the parser is
/// gone. Not `Sendable`: one reader composes with it, then drops it.
final class YAMLEventParser {
    private let parser: UnsafeMutablePointer<yaml_parser_t>
    private let input: UnsafeMutableBufferPointer<UInt8>
    private let yaml: String

    init(_ yaml: String) throws(YAMLError) {
        self.yaml = yaml
        input = .allocate(capacity: yaml.utf8.count)
        _ = input.initialize(from: yaml.utf8)
        parser = .allocate(capacity: 1)
        guard yaml_parser_initialize(parser) == 1 else {
            parser.deallocate()
            input.deallocate()
            throw .memory
        }
        // As the text is UTF-8 already, libyaml does not guess; a byte-order mark at the
        // start is skipped by its scanner.
        yaml_parser_set_encoding(parser, YAML_UTF8_ENCODING)
        yaml_parser_set_input_string(parser, input.baseAddress, input.count)
    }

    deinit {
        yaml_parser_delete(parser)
        parser.deallocate()
        input.deallocate()
    }

    /// The next event.
    ///
    /// - Throws: ``YAMLError`` with libyaml's reader, scanner or parser error.
    func next() throws(YAMLError) -> YAMLEvent {
        var event = yaml_event_t()
        guard yaml_parser_parse(parser, &event) == 1 else { throw error() }
        defer { yaml_event_delete(&event) }
        return YAMLEvent(event)
    }

    private func error() -> YAMLError {
        let state = parser.pointee
        let problem = state.problem.map { String(cString: $0) } ?? ""
        let stage: YAMLError.Stage
        switch state.error {
        case YAML_READER_ERROR:
            return .reader(problem: problem, byteOffset: state.problem_offset, value: state.problem_value, in: yaml)
        case YAML_SCANNER_ERROR: stage = .scanner
        case YAML_PARSER_ERROR: stage = .parser
        case YAML_COMPOSER_ERROR: stage = .composer
        default: return .memory
        }
        let context = state.context.map { (text: String(cString: $0), mark: YAMLMark(state.context_mark)) }
        return .located(stage, context: context, problem: problem, at: YAMLMark(state.problem_mark), in: yaml)
    }
}

/// A parser event, its strings copied out of libyaml's.
struct YAMLEvent {
    enum Kind {
        case streamStart, streamEnd, documentStart, documentEnd
        case alias(anchor: String)
        case scalar(Scalar)
        case sequenceStart(CollectionStart)
        case sequenceEnd
        case mappingStart(CollectionStart)
        case mappingEnd
        /// An event this reader does not use (there are none in libyaml 0.2).
        case other
    }

    struct Scalar {
        let value: String
        let anchor: String?
        /// The tag as written, its handle expanded (`!!int` is `tag:yaml.org,2002:int`).
        let tag: String?
        let style: YAMLScalar.Style
        /// Untagged and quoted, literal or folded: a string whatever it says.
        let quotedImplicit: Bool
    }

    struct CollectionStart {
        let anchor: String?
        /// The tag, when one was written.
        let tag: String?
        let flow: Bool
    }

    let kind: Kind
    /// Where the event starts (its anchor or tag, if any) and ends.
    let start: YAMLMark
    let end: YAMLMark

    fileprivate init(_ event: yaml_event_t) {
        start = YAMLMark(event.start_mark)
        end = YAMLMark(event.end_mark)
        switch event.type {
        case YAML_STREAM_START_EVENT: kind = .streamStart
        case YAML_STREAM_END_EVENT: kind = .streamEnd
        case YAML_DOCUMENT_START_EVENT: kind = .documentStart
        case YAML_DOCUMENT_END_EVENT: kind = .documentEnd
        case YAML_ALIAS_EVENT: kind = .alias(anchor: Self.string(event.data.alias.anchor) ?? "")
        case YAML_SCALAR_EVENT:
            let scalar = event.data.scalar
            // Scalars may hold NUL (`"\0"`), so the length counts, not a terminator.
            let value = String(decoding: UnsafeBufferPointer(start: scalar.value, count: scalar.length), as: UTF8.self)
            kind = .scalar(
                Scalar(
                    value: value, anchor: Self.string(scalar.anchor), tag: Self.string(scalar.tag), style: Self.style(scalar.style),
                    quotedImplicit: scalar.quoted_implicit != 0))
        case YAML_SEQUENCE_START_EVENT:
            let start = event.data.sequence_start
            kind = .sequenceStart(
                CollectionStart(
                    anchor: Self.string(start.anchor), tag: start.implicit != 0 ? nil : Self.string(start.tag),
                    flow: start.style == YAML_FLOW_SEQUENCE_STYLE))
        case YAML_SEQUENCE_END_EVENT: kind = .sequenceEnd
        case YAML_MAPPING_START_EVENT:
            let start = event.data.mapping_start
            kind = .mappingStart(
                CollectionStart(
                    anchor: Self.string(start.anchor), tag: start.implicit != 0 ? nil : Self.string(start.tag),
                    flow: start.style == YAML_FLOW_MAPPING_STYLE))
        case YAML_MAPPING_END_EVENT: kind = .mappingEnd
        default: kind = .other
        }
    }

    private static func string(_ pointer: UnsafeMutablePointer<yaml_char_t>?) -> String? {
        pointer.map { String(cString: $0) }
    }

    private static func style(_ style: yaml_scalar_style_t) -> YAMLScalar.Style {
        switch style {
        case YAML_SINGLE_QUOTED_SCALAR_STYLE: .singleQuoted
        case YAML_DOUBLE_QUOTED_SCALAR_STYLE: .doubleQuoted
        case YAML_LITERAL_SCALAR_STYLE: .literal
        case YAML_FOLDED_SCALAR_STYLE: .folded
        default: .plain
        }
    }
}

extension YAMLMark {
    /// libyaml's 0-based mark, 1-based.
    fileprivate init(_ mark: yaml_mark_t) {
        self.init(line: mark.line + 1, column: mark.column + 1)
    }
}
