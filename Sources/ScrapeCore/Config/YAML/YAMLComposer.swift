/// Composes the one document of a YAML text into a ``YAMLNode`` tree, on libyaml's events
/// (``YAMLEventParser``). The config file's rules, as they have always been:
///
/// - **One document.** An empty text (or comments only) is nil; a second document
///   (`---` again) is an error.
/// - **Anchors and aliases are expanded**: `*name` stands for the node last anchored
///   `&name` before it (a node's anchor counts once the node is complete, so a node cannot
///   contain itself); an alias to no such anchor is an error.
/// - **Tags**: a quoted, literal or folded scalar without a tag, or one tagged `!`, is a
///   string; a plain one without a tag gets its type from ``YAMLResolver``; an explicit
///   tag (`!!int`, `!custom`) is kept.
/// - **Keys are unique** in a mapping (equal text and resolved tag), else an error naming them.
/// - **Nesting is bounded**: a mapping or sequence inside ``maximumNesting`` others is an
///   error, so the recursive readers above (and this composer) stay far from the stack's
///   end whatever the file.
struct YAMLComposer {
    /// How many mappings and sequences may be open around another one. The reader before
    /// this one (Yams' copy of libyaml) refused the 1,000th nested block collection too.
    static let maximumNesting = 999

    private let events: YAMLEventParser
    private let yaml: String
    private var anchors: [String: YAMLNode] = [:]

    /// The document of `yaml`, or nil when it has none.
    ///
    /// - Throws: ``YAMLError``.
    static func document(of yaml: String) throws(YAMLError) -> YAMLNode? {
        var composer = try YAMLComposer(events: YAMLEventParser(yaml), yaml: yaml)
        return try composer.singleDocument()
    }

    private init(events: YAMLEventParser, yaml: String) {
        self.events = events
        self.yaml = yaml
    }

    private mutating func singleDocument() throws(YAMLError) -> YAMLNode? {
        _ = try events.next()  // stream start
        if case .streamEnd = try events.next().kind { return nil }  // else a document start
        let root = try node(from: events.next(), depth: 0)
        _ = try events.next()  // document end
        let after = try events.next()
        if case .streamEnd = after.kind { return root }
        throw .located(
            .composer, context: ("expected a single document in the stream", YAMLMark(line: 1, column: 1)),
            problem: "but found another document", at: after.start, in: yaml)
    }

    /// The node `event` starts, with everything in it; `depth` collections are open around it.
    private mutating func node(from event: YAMLEvent, depth: Int) throws(YAMLError) -> YAMLNode {
        switch event.kind {
        case .alias(let anchor):
            guard let node = anchors[anchor] else {
                throw .located(.composer, context: nil, problem: "found undefined alias", at: event.start, in: yaml)
            }
            return node
        case .scalar(let scalar):
            let node = YAMLNode.scalar(YAMLScalar(string: scalar.value, tag: Self.tag(of: scalar), style: scalar.style, mark: event.start))
            register(node, as: scalar.anchor)
            return node
        case .sequenceStart(let start):
            try checkNesting(depth, event, start)
            var items: [YAMLNode] = []
            while true {
                let next = try events.next()
                if case .sequenceEnd = next.kind { break }
                items.append(try node(from: next, depth: depth + 1))
            }
            let node = YAMLNode.sequence(YAMLSequence(items: items, tag: Self.tag(start.tag, default: .seq), mark: event.start))
            register(node, as: start.anchor)
            return node
        case .mappingStart(let start):
            try checkNesting(depth, event, start)
            var pairs: [YAMLPair] = []
            while true {
                let next = try events.next()
                if case .mappingEnd = next.kind { break }
                let key = try node(from: next, depth: depth + 1)
                let value = try node(from: events.next(), depth: depth + 1)
                pairs.append(YAMLPair(key: key, value: value))
            }
            try checkUniqueKeys(pairs)
            let node = YAMLNode.mapping(YAMLMapping(pairs: pairs, tag: Self.tag(start.tag, default: .map), mark: event.start))
            register(node, as: start.anchor)
            return node
        case .streamStart, .streamEnd, .documentStart, .documentEnd, .sequenceEnd, .mappingEnd, .other:
            // libyaml's grammar puts a node here; an ending at this place would be its bug.
            throw .located(.composer, context: nil, problem: "expected a node", at: event.start, in: yaml)
        }
    }

    private mutating func register(_ node: YAMLNode, as anchor: String?) {
        if let anchor { anchors[anchor] = node }
    }

    /// Refuses a collection opened inside ``maximumNesting`` others, at the collection's
    /// start (`[`, `{`, or its first key or `-`), with the context where its anchor or tag begins.
    private func checkNesting(_ depth: Int, _ event: YAMLEvent, _ start: YAMLEvent.CollectionStart) throws(YAMLError) {
        guard depth >= Self.maximumNesting else { return }
        // A flow collection's event ends after its `[` or `{`; a block one's is where it starts.
        let opening = start.flow ? YAMLMark(line: event.end.line, column: event.end.column - 1) : event.end
        throw .located(
            .parser, context: ("while parsing", event.start),
            problem: "Maximum nesting level reached (\(Self.maximumNesting) mappings and lists inside one another)", at: opening, in: yaml)
    }

    /// Refuses equal keys, naming each once; the place given is the first place of the
    /// key that sorts first (by text for scalars).
    private func checkUniqueKeys(_ pairs: [YAMLPair]) throws(YAMLError) {
        guard pairs.count > 1 else { return }
        var firstPlace: [YAMLNode: Int] = [:]
        var repeated: [Int] = []
        for (index, pair) in pairs.enumerated() {
            if let first = firstPlace[pair.key] {
                if !repeated.contains(first) { repeated.append(first) }
            } else {
                firstPlace[pair.key] = index
            }
        }
        guard !repeated.isEmpty else { return }
        let keys = repeated.map { pairs[$0].key }.sorted(by: Self.sortsBefore)
        throw .duplicateKeys(keys.map { $0.string ?? "<uncovertable>" }, firstAt: keys[0].mark, in: yaml)
    }

    /// The order duplicate keys are reported in: scalars by text, collections by their
    /// items (a mapping by its keys), different kinds as they come.
    private static func sortsBefore(_ lhs: YAMLNode, _ rhs: YAMLNode) -> Bool {
        switch (lhs, rhs) {
        case (.scalar(let left), .scalar(let right)): return left.string < right.string
        case (.mapping(let left), .mapping(let right)): return lexicographicallyBefore(left.pairs.map(\.key), right.pairs.map(\.key))
        case (.sequence(let left), .sequence(let right)): return lexicographicallyBefore(left.items, right.items)
        default: return false
        }
    }

    private static func lexicographicallyBefore(_ lhs: [YAMLNode], _ rhs: [YAMLNode]) -> Bool {
        for (left, right) in zip(lhs, rhs) {
            if sortsBefore(left, right) { return true }
            if sortsBefore(right, left) { return false }
        }
        return lhs.count < rhs.count
    }

    /// A scalar's tag: see the type's description.
    private static func tag(of scalar: YAMLEvent.Scalar) -> YAMLTag {
        if scalar.quotedImplicit { return .str }
        guard let tag = scalar.tag, !tag.isEmpty else { return YAMLResolver.tag(ofPlain: scalar.value) }
        return tag == "!" ? .str : YAMLTag(name: tag)
    }

    /// A collection's tag: the written one, unless none or the non-specific `!`.
    private static func tag(_ written: String?, default implicit: YAMLTag) -> YAMLTag {
        guard let written, !written.isEmpty, written != "!" else { return implicit }
        return YAMLTag(name: written)
    }
}
