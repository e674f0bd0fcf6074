import ScrapeCore

/// One `scrape extract` record (``FileExtraction``): a saved page's title, fields and
/// metadata, or why it could not be read.
struct ExtractRecord {
    var file: String
    var url: String
    var title: String?
    var fields: JSONDocument
    /// Nil without `--metadata` (no key).
    var metadata: JSONDocument?
    /// The system's words when the file could not be read.
    var readError: String?
    /// SHA-256 of the file's bytes (lowercase hex), as a fetched page's `content_sha256`;
    /// nil when the file could not be read.
    var contentSHA256: String?

    init(file: String, url: String, title: String?, fields: JSONDocument, metadata: JSONDocument?) {
        self.file = file
        self.url = url
        self.title = title
        self.fields = fields
        self.metadata = metadata
    }

    /// A file that could not be read: null values, and the error.
    init(file: String, url: String, readError: String, metadata: Bool) {
        self.file = file
        self.url = url
        self.fields = .null
        self.metadata = metadata ? .null : nil
        self.readError = readError
    }

    var isUnreadable: Bool { readError != nil }

    /// The record as a JSON line, keys in the documented order.
    var line: [UInt8] {
        var members: [JSONDocument.Member] = [
            .init(key: "file", value: .string(file)), .init(key: "url", value: .string(url)),
            .init(key: "title", value: title.map(JSONDocument.string) ?? .null), .init(key: "fields", value: fields),
        ]
        if let metadata { members.append(.init(key: "metadata", value: metadata)) }
        let error: JSONDocument = readError.map { .object([.init(key: "kind", value: .string("read")), .init(key: "message", value: .string($0))]) } ?? .null
        members.append(.init(key: "error", value: error))
        members.append(.init(key: "content_sha256", value: contentSHA256.map(JSONDocument.string) ?? .null))
        var bytes = JSONDocument.object(members).encoded
        bytes.append(UInt8(ascii: "\n"))
        return bytes
    }
}
