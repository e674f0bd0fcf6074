public import ScrapeCore
import ScrapeBase
import ScrapeHTML

/// `scrape extract PAGE.html…`: the fields and metadata a run would take from each saved
/// page, without a network (the way to write and check selectors on a page saved from a
/// browser).
///
/// Every input file gives exactly one record, in the order given:
/// `{"file","url","title","fields",["metadata",]"error","content_sha256"}`. `file` is the path as given;
/// `url` the base URL the page's relative URLs resolve against (before its `<base href>`):
/// ``Options/baseURL``, else the file's absolute `file:` URL. `fields` is an object
/// (empty without `--field`); `metadata` is there with `--metadata`. `error` is null, or
/// `{"kind":"read","message":…}` for a file that cannot be read (then `title`, `fields`
/// and `metadata` are null). `content_sha256` is the SHA-256 of the file's bytes, as a
/// fetched page's is of its body (so a page saved with `curl -o` hashes as its record
/// does); null for a file that cannot be read. There is no `etag` or `last_modified`: a
/// file has no HTTP validators. A file is parsed as HTML whatever its name; its encoding is
/// sniffed as a response's without a charset (BOM, `<meta>`, else UTF-8) unless
/// ``Options/charset`` gives one, as an HTTP charset would.
///
/// Records go through ``RecordWriter`` with `scrape run`'s output rules (an existing file
/// is replaced; never an input file; locked while written).
public struct FileExtraction: Sendable {
    /// What to extract, from where, to where.
    public struct Options: Sendable {
        /// The saved pages, in order.
        public var files: [String]
        /// The output path, or `-` for stdout.
        public var output: String
        /// The fields and metadata (`--field`, `--metadata`).
        public var extraction: ScrapeConfiguration.Extraction
        /// `--base-url`: the URL every file's relative URLs resolve against; nil for each
        /// file's own `file:` URL.
        public var baseURL: String?
        /// `--charset`: the encoding label the files are read in, as an HTTP charset.
        public var charset: String?

        public init(files: [String], output: String = "-", extraction: ScrapeConfiguration.Extraction, baseURL: String? = nil, charset: String? = nil) {
            self.files = files
            self.output = output
            self.extraction = extraction
            self.baseURL = baseURL
            self.charset = charset
        }
    }

    /// Why the extraction could not run or finish.
    public enum Failure: Error, CustomStringConvertible {
        /// A field that does not compile: before any file is read or the output opened.
        case fields(ConfigurationError)
        /// A `--base-url` the URL parser rejects (every `::url` would stay unresolved).
        case baseURL(String)
        case output(OutputError)

        public var description: String {
            switch self {
            case .fields(let error): "\(error)"
            case .baseURL(let url): "--base-url: '\(url)' is not an absolute URL"
            case .output(let error): "\(error)"
            }
        }
    }

    /// What the extraction wrote.
    public struct Summary: Sendable, Equatable {
        /// Records written: one per input file.
        public var records = 0
        /// Files that could not be read (records with an error).
        public var unreadable = 0
    }

    public let options: Options

    public init(options: Options) {
        self.options = options
    }

    /// Reads every file and writes its record.
    ///
    /// - Throws: ``Failure``.
    public func run() throws(Failure) -> Summary {
        if let baseURL = options.baseURL, WebURL(baseURL) == nil { throw .baseURL(baseURL) }
        let extractor: PageExtractor
        do throws(ConfigurationError) {
            extractor = PageExtractor(fields: try options.extraction.fieldSet(), metadata: options.extraction.metadata)
        } catch {
            throw .fields(error)
        }
        var summary = Summary()
        do throws(OutputError) {
            let writer = try RecordWriter(path: options.output, mode: .replace, inputs: options.files)
            do throws(OutputError) {
                for file in options.files {
                    let record = record(for: file, with: extractor)
                    if record.isUnreadable { summary.unreadable += 1 }
                    try writer.append(line: record.line)
                    summary.records += 1
                }
            } catch {
                try? writer.close()
                throw error
            }
            try writer.close()
        } catch {
            throw .output(error)
        }
        return summary
    }

    private func record(for file: String, with extractor: PageExtractor) -> ExtractRecord {
        let url = options.baseURL ?? FileURL.of(path: file)
        guard let body = FileContents.bytes(file, limit: .max) else {
            return ExtractRecord(file: file, url: url, readError: SystemCall.errorMessage(), metadata: options.extraction.metadata)
        }
        let contentType = options.charset.map { "text/html; charset=\($0)" } ?? "text/html"
        let page = extractor.extract(body: body, contentType: contentType, url: url)
        var record = ExtractRecord(
            file: file, url: url, title: page.title, fields: page.fieldsDocument,
            metadata: options.extraction.metadata ? page.metadataDocument : nil)
        record.contentSHA256 = ContentDigest.sha256Hex(body)
        return record
    }
}
