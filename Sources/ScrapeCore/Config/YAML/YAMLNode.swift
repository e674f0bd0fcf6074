/// A node of a YAML document as the config reader composes it (``YAMLComposer``): aliases
/// are already replaced by the node their anchor names, and every node carries its
/// resolved tag and where it starts.
///
/// Equality (``Hashable``) is YAML's node equality, which decides duplicate keys: the
/// same content and the same resolved tag, whatever the style or place (`timeout` and
/// `"timeout"` are the same key; `1` and `"1"` are not).
enum YAMLNode: Sendable, Hashable {
    case scalar(YAMLScalar)
    case mapping(YAMLMapping)
    case sequence(YAMLSequence)

    /// Where the node starts (its anchor or tag when it has one).
    var mark: YAMLMark {
        switch self {
        case .scalar(let scalar): scalar.mark
        case .mapping(let mapping): mapping.mark
        case .sequence(let sequence): sequence.mark
        }
    }

    /// The resolved tag.
    var tag: YAMLTag {
        switch self {
        case .scalar(let scalar): scalar.tag
        case .mapping(let mapping): mapping.tag
        case .sequence(let sequence): sequence.tag
        }
    }

    /// The node as a string: a scalar's text whatever its tag; for a mapping, the string
    /// of the value at its `=` key (YAML 1.1's "value" key, `{=: 401}` reads as `401`) if
    /// it has one; nil otherwise. The rule the config reader has always applied to keys
    /// and to `logged_out.status` items.
    var string: String? {
        switch self {
        case .scalar(let scalar): scalar.string
        case .mapping(let mapping): mapping.first { $0.key.tag == .value }.flatMap { $0.value.string }
        case .sequence: nil
        }
    }
}

/// A place in the YAML text: 1-based line, and 1-based column counted in Unicode scalars
/// (as libyaml counts them).
struct YAMLMark: Sendable, Hashable, CustomStringConvertible {
    let line: Int
    let column: Int

    var description: String { "\(line):\(column)" }
}

/// A node's tag: a full tag name (`tag:yaml.org,2002:int`) or a local one (`!custom`).
struct YAMLTag: Sendable, Hashable, CustomStringConvertible {
    let name: String

    static let str = YAMLTag(name: "tag:yaml.org,2002:str")
    static let int = YAMLTag(name: "tag:yaml.org,2002:int")
    static let float = YAMLTag(name: "tag:yaml.org,2002:float")
    static let bool = YAMLTag(name: "tag:yaml.org,2002:bool")
    static let null = YAMLTag(name: "tag:yaml.org,2002:null")
    static let merge = YAMLTag(name: "tag:yaml.org,2002:merge")
    static let timestamp = YAMLTag(name: "tag:yaml.org,2002:timestamp")
    static let value = YAMLTag(name: "tag:yaml.org,2002:value")
    static let map = YAMLTag(name: "tag:yaml.org,2002:map")
    static let seq = YAMLTag(name: "tag:yaml.org,2002:seq")

    var description: String { name }
}

/// A scalar: its text as written (after YAML's quoting and folding), how it was written,
/// and its resolved tag. Its typed values are in `YAMLScalar+Values.swift`.
struct YAMLScalar: Sendable, Hashable {
    /// How a scalar was written; only plain scalars are read as numbers.
    enum Style: Sendable {
        case plain, singleQuoted, doubleQuoted, literal, folded
    }

    let string: String
    let tag: YAMLTag
    let style: Style
    let mark: YAMLMark

    static func == (lhs: Self, rhs: Self) -> Bool { lhs.string == rhs.string && lhs.tag == rhs.tag }

    func hash(into hasher: inout Hasher) {
        hasher.combine(string)
        hasher.combine(tag)
    }
}

/// A mapping's entries in file order (keys may be any node; the readers above refuse
/// what they cannot use).
struct YAMLMapping: Sendable, Hashable, RandomAccessCollection {
    typealias Element = (key: YAMLNode, value: YAMLNode)

    let pairs: [YAMLPair]
    let tag: YAMLTag
    let mark: YAMLMark

    var startIndex: Int { pairs.startIndex }
    var endIndex: Int { pairs.endIndex }
    subscript(position: Int) -> Element { (pairs[position].key, pairs[position].value) }

    static func == (lhs: Self, rhs: Self) -> Bool { lhs.pairs == rhs.pairs && lhs.tag == rhs.tag }

    func hash(into hasher: inout Hasher) {
        hasher.combine(pairs)
        hasher.combine(tag)
    }
}

/// One key and its value.
struct YAMLPair: Sendable, Hashable {
    let key: YAMLNode
    let value: YAMLNode
}

/// A sequence's items in file order.
struct YAMLSequence: Sendable, Hashable, RandomAccessCollection {
    let items: [YAMLNode]
    let tag: YAMLTag
    let mark: YAMLMark

    var startIndex: Int { items.startIndex }
    var endIndex: Int { items.endIndex }
    subscript(position: Int) -> YAMLNode { items[position] }

    static func == (lhs: Self, rhs: Self) -> Bool { lhs.items == rhs.items && lhs.tag == rhs.tag }

    func hash(into hasher: inout Hasher) {
        hasher.combine(items)
        hasher.combine(tag)
    }
}
