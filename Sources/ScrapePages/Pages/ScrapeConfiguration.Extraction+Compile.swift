public import ScrapeCore
public import ScrapeHTML

extension ScrapeConfiguration.Extraction {
    /// The `--field NAME=SPEC` values and `--metadata` of a command line, read as the
    /// config file's `fields:` entries are and compiled: the one reading of those flags for
    /// `scrape run`, `scrape extract` and `scrape frontier add`, so they accept and refuse
    /// the same.
    ///
    /// - Throws: ``ConfigurationError`` at `source` for a malformed or repeated entry (see
    ///   ``ScrapeConfiguration/Extraction/add(_:source:line:)``) or a field that does not
    ///   compile (see ``pageExtractor()``).
    public init(flags fields: [String], metadata: Bool, source: String = "--field") throws(ConfigurationError) {
        self.init()
        self.metadata = metadata
        for field in fields { try add(field, source: source) }
        try check()
    }

    /// The extractor for these settings, compiled once per run before anything is fetched;
    /// nil when nothing beyond the title is asked for (the run keeps the title's fast path).
    ///
    /// - Throws: ``ConfigurationError`` at the first field that does not compile, naming
    ///   where it was written (`--field`, `fields.price`, `fields[2]`) and the line; the
    ///   message is the compiler's, which names the field, the selector and where in it
    ///   the fault is.
    public func pageExtractor() throws(ConfigurationError) -> PageExtractor? {
        guard !isEmpty else { return nil }
        return PageExtractor(fields: try fieldSet(), metadata: metadata)
    }

    /// Compiles the fields to check them, for commands that only validate (`check-config`,
    /// flags before a run starts).
    ///
    /// - Throws: ``ConfigurationError`` as ``pageExtractor()``.
    public func check() throws(ConfigurationError) {
        _ = try fieldSet()
    }

    /// The fields compiled. Each is compiled alone first, so an error names the entry it
    /// comes from.
    ///
    /// - Throws: ``ConfigurationError`` as ``pageExtractor()``.
    public func fieldSet() throws(ConfigurationError) -> FieldSet {
        for field in fields {
            do {
                _ = try FieldSet([field.text])
            } catch {
                throw ConfigurationError(key: field.source, message: error.description, line: field.line)
            }
        }
        do {
            return try FieldSet(fields.map(\.text))
        } catch {
            throw ConfigurationError(key: fields.first?.source ?? "fields", message: error.description)
        }
    }
}
