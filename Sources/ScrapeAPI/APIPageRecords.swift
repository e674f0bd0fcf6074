import ScrapeHTTP
import ScrapeCore

/// The records of one fetched page, cut from its body as sent: what a job writes, what its
/// children's walks start from, and what its pagination reads next.
///
/// Pure, so `APIRunner.StateMachine` decides with it and tests need no server. A record
/// that cannot be taken (a non-object with `include_from_parent`) does not throw away the
/// records before it: they are kept and the error is kept beside them, so the output holds
/// what a sequential walk would have written before it failed.
struct APIPageRecords {
    /// Each record's bytes as sent (whitespace outside strings removed), with the walk's
    /// `include_from_parent` fields appended: what is written and what a child walks from.
    private(set) var records: [[UInt8]] = []
    /// The `incremental` cursor value of each record, where it has one.
    private(set) var cursors: [String?] = []
    /// Why the record after the last in ``records`` could not be taken, if one could not.
    private(set) var error: APIError?
    /// The page, for the pagination's next decision.
    let page: Pagination.Page

    /// Cuts the records out of `body`, page `url` of a job run with `options`.
    ///
    /// - Parameter extra: `,"_PARENT_FIELD":value` pairs appended to each record.
    /// - Throws: ``APIError`` when the body is not JSON or `data_selector` does not lead to
    ///   an array: nothing of the page is taken then.
    init(body source: [UInt8], headers: HTTPHeaders, url: String, options: APIJobRun.Options, extra: [UInt8]) throws(APIError) {
        let name = options.job.name
        let body: JSONValue
        do {
            body = try JSONParser.parse(source)
        } catch {
            throw APIError(job: name, url: url, message: "the response is not JSON: \(error)")
        }
        guard case .array(let values, _) = body.value(at: options.api.dataSelector) ?? .null(0..<0) else {
            throw APIError(job: name, url: url, message: "data_selector \"\(options.api.dataSelector)\" does not lead to an array of records")
        }
        page = Pagination.Page(url: url, body: body, source: source, headers: headers, recordCount: values.count)
        for value in values {
            var bytes = value.compactBytes(in: source)
            if !extra.isEmpty {
                guard case .object(let members, _) = value, bytes.last == UInt8(ascii: "}") else {
                    error = APIError(job: name, url: url, message: "include_from_parent needs records that are JSON objects")
                    return
                }
                bytes.removeLast()
                bytes += members.isEmpty ? extra.dropFirst() : extra[...]
                bytes.append(UInt8(ascii: "}"))
            }
            records.append(bytes)
            cursors.append(options.api.incremental.flatMap { value.value(at: $0.cursorPath)?.scalarText(in: source) })
        }
    }

    /// The output lines of the records: each alone, or wrapped with `--with-meta`.
    func lines(job: String, withMeta: Bool) -> [[UInt8]] {
        let prefix = withMeta ? APIJobRun.metaPrefix(job: job, pageURL: page.url) : []
        return records.map { record in
            var line = prefix
            line += record
            if withMeta { line.append(UInt8(ascii: "}")) }
            line.append(UInt8(ascii: "\n"))
            return line
        }
    }
}
