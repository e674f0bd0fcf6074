/// The HTML standard's tokenizer (section 13.2.5), pulled one token at a time.
///
/// ``next()`` runs the state machine until a token is complete and returns its kind; the
/// token's contents are in ``tag``, ``text`` or ``doctype`` until the next call. Between
/// calls the tree builder may set ``state`` (RCDATA, RAWTEXT, script data, PLAINTEXT) and
/// ``allowsCDATA``, where the standard has it do so.
///
/// Character tokens are not handed out one by one: consecutive ones are collected in
/// ``text`` and returned as one ``HTMLTokenKind/characters`` run when the next other token
/// (tag, comment, DOCTYPE, end of file) is complete; that token is then returned by the
/// following call. The tree builder splits runs where its rules look at single characters.
///
/// Input is UTF-8 bytes. Bytes at or above 0x80 are opaque: every special character of the
/// tokenizer is ASCII, so they are copied as they come (an invalid sequence that the
/// decoder let through stays as it was). The standard's input stream preprocessing (CR LF
/// and a lone CR read as LF) happens as the input is read, without a second copy.
///
/// Speed: plain text, attribute values and comment data are copied a run at a time (up to
/// the next byte the current state cares about); the buffers (``text``, ``tag``'s name and
/// attributes) keep their storage from token to token, so a page costs no allocation per
/// character or, once warm, per token.
///
/// Parse errors are not reported: the tree builder has no use for them, and the standard's
/// recovery for each is what this code does.
struct HTMLTokenizer {
    /// The current tag token (start or end).
    var tag = HTMLTag()
    /// The characters of a ``HTMLTokenKind/characters`` run, or a comment's data.
    var text: [UInt8] = []
    /// The current DOCTYPE token.
    var doctype = HTMLDoctype()
    /// The state the next call starts in.
    var state: State = .data
    /// Whether `<![CDATA[` opens a CDATA section: the standard's "there is an adjusted
    /// current node and it is not an element in the HTML namespace". Set by the tree builder.
    var allowsCDATA = false
    /// The name of the last start tag emitted, for the "appropriate end tag" test in the
    /// RCDATA, RAWTEXT and script data states (empty: none yet). Settable for tests.
    var lastStartTagName: [UInt8] {
        get { tagHoldsLastStartTag ? tag.name : lastStartTagStorage }
        set {
            lastStartTagStorage = newValue
            tagHoldsLastStartTag = false
        }
    }

    let input: UnsafeBufferPointer<UInt8>
    /// Index of the next input byte.
    var position = 0

    /// The last start tag's name, unless ``tag`` still holds that start tag.
    var lastStartTagStorage: [UInt8] = []
    var tagHoldsLastStartTag = false
    /// Whether `tag.name` (and the current attribute's name) still hold an earlier tag's
    /// (attribute's) bytes, to be replaced by the first write rather than emptied first.
    var tagNameIsStale = false
    var attributeNameIsStale = false
    var attributeValueIsStale = false
    /// Whether the current tag is an end tag.
    var tagIsEnd = false
    /// The standard's temporary buffer (end tag names in RCDATA/RAWTEXT/script data, the
    /// `script` test of the double-escape states).
    var temporaryBuffer: [UInt8] = []
    /// The comment being built; swapped into ``text`` when it is handed out, so that
    /// characters waiting in ``text`` are not disturbed.
    var commentData: [UInt8] = []
    /// Whether the attribute being read repeats an earlier name (then it is dropped and its
    /// value goes to ``discardedValue``).
    var discardingAttribute = false
    var discardedValue: [UInt8] = []
    /// The names of the tag's attributes, once it has more than
    /// ``linearDuplicateCheckLimit`` (empty before).
    var attributeNames: Set<[UInt8]> = []
    /// How many entries of `tag.attributes` belong to the tag being read (the rest are
    /// stale, kept for their storage).
    var attributeCount = 0
    /// A start tag's attributes, set aside while an end tag is read.
    var parkedAttributes: [HTMLAttribute] = []
    /// Attribute entries a tag had no use for, kept for their storage.
    var spareAttributes: [HTMLAttribute] = []
    /// A token completed while characters were waiting in ``text``: returned next.
    var pending: HTMLTokenKind?
    /// Whether ``HTMLTokenKind/endOfFile`` has been returned.
    var finished = false

    init(_ input: UnsafeBufferPointer<UInt8>) {
        self.input = input
    }

    /// Runs the tokenizer to the next complete token and returns its kind.
    mutating func next() -> HTMLTokenKind {
        if !text.isEmpty { text.removeAll(keepingCapacity: true) }
        if let kind = pending {
            pending = nil
            if kind == .comment { swap(&text, &commentData) }
            return kind
        }
        if finished { return .endOfFile }
        while true {
            if let kind = step() { return kind }
        }
    }

    // MARK: Reading input

    /// The current input character, CR read as LF, or nil at the end of the input.
    @inline(__always) func peek() -> UInt8? {
        guard position < input.count else { return nil }
        let byte = input[position]
        return byte == 0x0D ? 0x0A : byte
    }

    /// Moves past the current input character (a CR LF pair is one character).
    @inline(__always) mutating func advance() {
        if input[position] == 0x0D, position + 1 < input.count, input[position + 1] == 0x0A {
            position += 2
        } else {
            position += 1
        }
    }

    /// Whether the input at the current position starts with `word` (ASCII, case-insensitive
    /// if `ignoringCase`, then `word` is lowercase). Consumes it if so.
    mutating func consumeIfNext(_ word: StaticString, ignoringCase: Bool) -> Bool {
        let count = word.utf8CodeUnitCount
        guard input.count - position >= count else { return false }
        let bytes = word.utf8Start
        for offset in 0..<count {
            var byte = input[position + offset]
            if ignoringCase { byte = ASCII.lowercased(byte) }
            if byte != bytes[offset] { return false }
        }
        position += count
        return true
    }

    // MARK: Emitting

    /// Appends U+FFFD (the standard's replacement for U+0000 in most states) to `buffer`.
    @inline(__always) static func appendReplacement(to buffer: inout [UInt8]) {
        buffer.append(0xEF)
        buffer.append(0xBF)
        buffer.append(0xBD)
    }

    /// Appends `input[start..<end]` to `buffer`.
    @inline(__always) func copyInput(from start: Int, to end: Int, into buffer: inout [UInt8]) {
        if end > start { buffer.append(contentsOf: UnsafeBufferPointer(rebasing: input[start..<end])) }
    }

    /// Hands out `kind` (a non-character token whose contents are ready), after the
    /// characters waiting in ``text`` if there are any.
    mutating func emit(_ kind: HTMLTokenKind) -> HTMLTokenKind {
        switch kind {
        case .startTag:
            finishAttributes()
            tagHoldsLastStartTag = true
        case .endTag:
            finishAttributes()
        case .endOfFile:
            finished = true
        case .characters, .comment, .doctype:
            break
        }
        if !text.isEmpty {
            pending = kind
            return .characters
        }
        if kind == .comment { swap(&text, &commentData) }
        return kind
    }

    /// Emits the current tag as a start or end tag.
    mutating func emitTag() -> HTMLTokenKind {
        emit(tagIsEnd ? .endTag : .startTag)
    }

    /// Starts a new comment token with empty data.
    mutating func startComment() {
        commentData.removeAll(keepingCapacity: true)
    }

    /// Starts a new DOCTYPE token.
    mutating func startDoctype() {
        doctype = HTMLDoctype()
    }
}
