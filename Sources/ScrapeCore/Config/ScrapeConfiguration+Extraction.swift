extension ScrapeConfiguration {
    /// What a run takes from each HTML page besides its title (issue 26): named fields
    /// (`--field NAME=SPEC`, `fields:`) and the page's metadata (`--metadata`,
    /// `metadata: true`).
    ///
    /// This is the file's and the flags' model only: a field's SPEC (a CSS selector or an
    /// XPath expression) is kept as text here and compiled by the page pipeline
    /// (`ScrapePages`, which holds the HTML parser), once per run, before anything is
    /// fetched; a SPEC that does not compile is a ``ConfigurationError`` naming the field's
    /// key path or flag, as a bad `http:` value is.
    public struct Extraction: Sendable, Equatable {
        /// One `NAME=SPEC` entry and where it was written.
        public struct Field: Sendable, Equatable {
            /// The name as written: `h2[]` takes every match as an array, under the key `h2`.
            public var name: String
            /// `css:SELECTOR`, `xpath:EXPR`, or a bare CSS selector.
            public var spec: String
            /// Where it was written, for errors: `--field`, `fields.h1`, `fields[2]`.
            public var source: String
            /// The config file's line, when it comes from one.
            public var line: Int?

            /// The record's key: the name without a trailing `[]`.
            public var key: String { name.hasSuffix("[]") ? String(name.dropLast(2)) : name }
            /// The `NAME=SPEC` text the field compiler takes.
            public var text: String { "\(name)=\(spec)" }
        }

        /// The fields, in the order they were given (the record's `fields` object keeps it).
        public private(set) var fields: [Field] = []
        /// Whether each page's metadata is recorded. Default false.
        public var metadata = false

        /// Nothing beyond the title: the defaults.
        public init() {}

        /// Whether anything beyond the title is asked for.
        public var isEmpty: Bool { fields.isEmpty && !metadata }

        /// Adds `text`, written `NAME=SPEC` (split at the first `=`: a name has none).
        ///
        /// The one reader of the `NAME=SPEC` form: `--field`, `scrape extract --field`, a
        /// `fields:` list item and `scrape frontier add --field` all come through here.
        /// - Throws: ``ConfigurationError`` at `source` without `=`, with an empty name or
        ///   SPEC, or with a name already given (see ``add(name:spec:source:line:)``).
        public mutating func add(_ text: String, source: String, line: Int? = nil) throws(ConfigurationError) {
            guard let equals = text.firstIndex(of: "=") else {
                throw ConfigurationError(key: source, message: "field '\(text)': expected NAME=SPEC (css:SELECTOR, SELECTOR or xpath:EXPRESSION)", line: line)
            }
            try add(name: String(text[..<equals]), spec: String(text[text.index(after: equals)...]), source: source, line: line)
        }

        /// Adds the field `name` (the `fields:` mapping form).
        ///
        /// - Throws: ``ConfigurationError`` at `source` for an empty name or SPEC, a name
        ///   holding `=` (the field compiler and a fleet job read `NAME=SPEC` back, split at
        ///   the first `=`), or a name whose key (`h2` for `h2[]`) is already taken: a
        ///   record cannot hold it twice.
        public mutating func add(name: String, spec: String, source: String, line: Int? = nil) throws(ConfigurationError) {
            let field = Field(name: name, spec: spec, source: source, line: line)
            guard !field.key.isEmpty else {
                throw ConfigurationError(key: source, message: "field '\(field.text)': the NAME before '=' is empty", line: line)
            }
            guard !name.contains("=") else {
                throw ConfigurationError(key: source, message: "field '\(name)': a NAME cannot hold '=' (it ends at the first '=')", line: line)
            }
            guard !spec.isEmpty else {
                throw ConfigurationError(key: source, message: "field '\(field.key)': the SPEC after '=' is empty (expected css:SELECTOR, SELECTOR or xpath:EXPRESSION)", line: line)
            }
            if let earlier = fields.first(where: { $0.key == field.key }) {
                throw ConfigurationError(key: source, message: "field '\(field.key)': given twice (also at \(earlier.source)): a record has one value per name", line: line)
            }
            fields.append(field)
        }

        /// These settings with `flags` over them: a flag's field replaces the field of the
        /// same key in place (the file's `h1` and the flag's `h1[]` are one field), other
        /// flags' fields come after the file's; `metadata` is on when either says so.
        public func overridden(by flags: Extraction) -> Extraction {
            var merged = self
            for field in flags.fields {
                if let index = merged.fields.firstIndex(where: { $0.key == field.key }) {
                    merged.fields[index] = field
                } else {
                    merged.fields.append(field)
                }
            }
            merged.metadata = metadata || flags.metadata
            return merged
        }
    }
}
