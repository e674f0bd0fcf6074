/// One URL's last record in a `--since` file, as far as a new run needs it: the
/// validators to send back, the hash to compare with, and what a 304 carries over.
///
/// Read from the record's line when its URL comes up (``PreviousRecords/lastRecord(of:)``),
/// never kept for the whole file.
public struct PreviousRecord: Sendable, Equatable {
    /// The record's `status`; nil without a response.
    public var status: Int?
    /// Whether the record has an `error`.
    public var hasError: Bool
    public var title: String?
    /// `fields` exactly as written (``JSONDocument/raw(_:)``); nil when the record has no `fields` key.
    package var fields: JSONDocument?
    /// The keys of `fields` in order when it is an object; nil when it is null or absent.
    public var fieldKeys: [String]?
    /// `metadata` exactly as written; nil when the record has no `metadata` key.
    package var metadata: JSONDocument?
    public var contentType: String?
    public var etag: String?
    public var lastModified: String?
    public var contentSHA256: String?

    /// Whether the record has a validator to send back.
    public var hasValidators: Bool { etag != nil || lastModified != nil }

    /// Whether the record stands for a page as the server last sent it whole (or confirmed
    /// it): a 2xx, or a 304 of an earlier `--since` run, without an error. Only such a
    /// record is revalidated: a server evaluates conditionals only for what would be a 2xx
    /// (RFC 9110, 13.2.1), so the validators of a 404 page say nothing.
    public var isRevalidatable: Bool {
        guard !hasError, let status else { return false }
        return (200..<300).contains(status) || status == 304
    }

    /// Parses one of our record lines; nil when it is not a JSON object.
    init?(line: [UInt8]) {
        guard case .object(let members, _)? = try? JSONParser.parse(line) else { return nil }
        func string(_ value: JSONValue) -> String? {
            if case .string(let text, _) = value { return text }
            return nil
        }
        hasError = false
        for (key, value) in members {
            switch key {
            case "status":
                if case .number(let range) = value { status = Int(String(decoding: line[range], as: UTF8.self)) }
            case "title": title = string(value)
            case "error":
                if case .null = value {} else { hasError = true }
            case "fields":
                fields = .raw(Array(line[value.range]))
                if case .object(let fieldMembers, _) = value { fieldKeys = fieldMembers.map { $0.key } }
            case "metadata": metadata = .raw(Array(line[value.range]))
            case "content_type": contentType = string(value)
            case "etag": etag = string(value)
            case "last_modified": lastModified = string(value)
            case "content_sha256": contentSHA256 = string(value)
            default: break
            }
        }
    }

    /// A record of no page: what the tests and a caller without a file start from.
    public init(status: Int?, etag: String? = nil, lastModified: String? = nil, contentSHA256: String? = nil) {
        self.status = status
        self.hasError = false
        self.etag = etag
        self.lastModified = lastModified
        self.contentSHA256 = contentSHA256
    }
}
