/// What the tokenizer (the HTML standard's section 13.2.5) hands the tree builder.
///
/// The tokenizer is pulled: ``HTMLTokenizer/next()`` returns the kind of the next token
/// and leaves its contents in the tokenizer's reusable buffers (``HTMLTokenizer/tag``,
/// ``HTMLTokenizer/text``, ``HTMLTokenizer/doctype``), valid until the next call. Between
/// calls the tree builder switches the tokenizer's state (RCDATA, RAWTEXT, script data,
/// PLAINTEXT) and tells it whether CDATA sections are allowed (the adjusted current node
/// is foreign), exactly where the standard has the tree builder do so.
enum HTMLTokenKind {
    /// A run of characters in ``HTMLTokenizer/text`` (UTF-8; never empty; may hold U+0000
    /// from the data state, which the tree builder drops or replaces as each mode says).
    case characters
    /// A start tag in ``HTMLTokenizer/tag``.
    case startTag
    /// An end tag in ``HTMLTokenizer/tag`` (its attributes, if any, are ignored).
    case endTag
    /// A comment, its data in ``HTMLTokenizer/text``.
    case comment
    /// A DOCTYPE in ``HTMLTokenizer/doctype``.
    case doctype
    /// The end of the input (returned once; later calls return it again).
    case endOfFile
}

/// A start or end tag. Names are lowercased ASCII bytes as the tokenizer emits them;
/// duplicate attributes are already dropped (the first one wins).
struct HTMLTag {
    var name: [UInt8] = []
    var attributes: [HTMLAttribute] = []
    var selfClosing = false
}

/// One attribute of a tag, as tokenized: lowercased name, value with character
/// references decoded.
struct HTMLAttribute {
    var name: [UInt8]
    var value: [UInt8]
}

/// A DOCTYPE token. A missing name or identifier is nil (which the quirks-mode rules tell
/// apart from an empty one).
struct HTMLDoctype {
    var name: [UInt8]?
    var publicID: [UInt8]?
    var systemID: [UInt8]?
    var forceQuirks = false
}
