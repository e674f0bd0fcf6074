public import ScrapeCore
import ScrapeHTTP
import ScrapePages

extension FrontierStore {
    /// One input line as the frontier keeps it: a URL to queue, or the record `scrape run`
    /// writes for a line it never requests (``URLSource/Line/admission(maxURLLength:)``),
    /// kept as a done URL with its record so that every line ends as exactly one record.
    ///
    /// PostgreSQL's `text` holds neither a NUL byte nor bytes that are not UTF-8, so the
    /// `url` column holds the line as requested (`/caf\xE9` as `/caf%E9`, a NUL as `%00`)
    /// and ``line`` the exact bytes whenever that differs from the line: the record's
    /// `url` is then written from them (`\udce9`), as `scrape run` writes it.
    public struct NewURL: Sendable {
        /// What the `url` column holds: the line, or what is requested for it.
        public let url: String
        /// The politeness key (`scheme://host:port`); empty for a line recorded at once.
        public let host: String
        /// The line's bytes when ``url`` is not exactly the line; nil otherwise.
        public let line: [UInt8]?
        /// The record's JSON line (without its newline) for a line that is never requested.
        public let record: [UInt8]?
        /// Why the line is never requested, for `add`'s report; nil for a URL to queue.
        public let problem: Problem?

        /// A line that is recorded at once rather than queued.
        public struct Problem: Sendable, Equatable, CustomStringConvertible {
            /// Its line number in the input.
            public let line: Int
            /// The record's `error.kind` (`invalid_url`, `unsupported_scheme`).
            public let kind: String
            public let message: String

            public var description: String { "line \(line): \(kind): \(message)" }
        }

        /// Longest politeness key kept (the `hosts` key and the claim's index hold it;
        /// PostgreSQL's index rows end at 2,704 bytes). A DNS name has at most 253 bytes.
        public static let maxHostBytes = 1000

        /// `line` as `scrape run` would take it: queued with its request's origin, or
        /// recorded at once with `scrape run`'s record.
        /// - Parameter maxURLLength: the client's limit (default: `http.max_url_length`'s default).
        /// - Parameter extraction: the job's fields and metadata: a line recorded at once
        ///   gets their keys, null, as `scrape run` writes it.
        public init(_ line: URLSource.Line, maxURLLength: Int? = nil, keyedFor extraction: ScrapeConfiguration.Extraction = .init()) {
            var admitted = line.admission(maxURLLength: maxURLLength ?? HTTPClient.Configuration.Limits().maxURLLength)
            if case .request(let prepared) = admitted, prepared.origin.utf8.count > Self.maxHostBytes {
                let error = HTTPClientError.invalidURL(
                    "the host is \(prepared.host.utf8.count) bytes long; the frontier keeps hosts of up to \(Self.maxHostBytes) bytes (a DNS name has at most 253)")
                admitted = .record(ScrapeRecord.rejected(line.text, because: error).keepingURL(bytes: line.invalidBytes))
            }
            let bytes = line.invalidBytes ?? Array(line.text.utf8)
            let stored = Self.storable(line.requestURL)
            url = stored
            self.line = stored == line.text ? nil : bytes
            switch admitted {
            case .request(let prepared):
                host = prepared.origin
                record = nil
                problem = nil
            case .record(let made):
                host = ""
                var encoded = JSONLineEncoder.line(for: made.keyed(for: extraction))
                encoded.removeLast()  // the newline: export writes its own
                record = encoded
                problem = Problem(line: line.number, kind: (made.error?.kind ?? .invalidURL).rawValue, message: made.error?.message ?? "")
            }
        }

        /// A line holding `url` (line 1): for callers with strings (the tests, the daemon).
        public init(_ url: String) {
            self.init(URLSource.Line(number: 1, bytes: Array(url.utf8), byteCount: url.utf8.count))
        }

        /// `text` as PostgreSQL's `text` can hold it: a NUL byte becomes `%00`.
        static func storable(_ text: String) -> String {
            guard text.utf8.contains(0) else { return text }
            return String(decoding: text.utf8.flatMap { $0 == 0 ? Array("%00".utf8) : [$0] }, as: UTF8.self)
        }
    }
}
