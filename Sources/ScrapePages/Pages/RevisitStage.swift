public import ScrapeCore
import ScrapeHTTP

/// `--since`: a run that compares every page with an earlier run's record of its URL
/// (``PreviousRecords``), asks the server only for what changed, and says what did.
///
/// Its parts, in the order a ``PagePipeline`` attempt meets them:
/// 1. ``lookUp(_:)``, before robots.txt: the URL's last record in the earlier output.
/// 2. ``prepare(_:)``, after robots.txt (a page robots.txt forbids sends nothing): when
///    that record is a 2xx (or an earlier 304) with validators and can stand for the page
///    in this run (``canCarry(_:)``), the request gets `If-None-Match` (its `etag`, exactly
///    as received) and `If-Modified-Since` (its `last_modified`, exactly as received).
/// 3. After the exchange, a 304 to that request gets the earlier record's content
///    (``carry(_:into:from:)``) instead of the body stage; any other response goes through
///    the body stage and the content hash as usual.
/// 4. ``mark(_:previous:)``: every record gets `not_modified` and `changed`.
///
/// Records made outside the pipeline (an `invalid_url` line, `circuit_open`) are marked
/// by the run when it writes them (``marked(_:)``).
public struct RevisitStage: Sendable {
    /// The earlier output.
    public let previous: PreviousRecords
    /// This run's field names (the keys of its `fields` object), nil without fields.
    let fieldKeys: [String]?
    /// Whether this run's records have `metadata`.
    let recordsMetadata: Bool

    public init(previous: PreviousRecords, extraction: ScrapeConfiguration.Extraction) {
        self.previous = previous
        self.fieldKeys = extraction.fields.isEmpty ? nil : extraction.fields.map(\.key)
        self.recordsMetadata = extraction.metadata
    }

    /// Step 1: the last record of the page's URL.
    func lookUp(_ page: inout PageAttempt) {
        page.previous = previous.lastRecord(requestedAs: page.request.request.url)
    }

    /// Step 2: the conditional headers, when the earlier record can be revalidated.
    func prepare(_ page: inout PageAttempt) {
        guard let record = page.previous, record.isRevalidatable, record.hasValidators, canCarry(record) else { return }
        var headers = HTTPHeaders()
        if let etag = record.etag { headers.add(name: "If-None-Match", value: etag) }
        if let lastModified = record.lastModified { headers.add(name: "If-Modified-Since", value: lastModified) }
        // A validator that cannot be sent (a hand-edited file with a CR in it) sends none:
        // the page is fetched whole and compared by its hash.
        guard let conditional = try? page.request.adding(headers: headers) else { return }
        page.request = conditional
        page.isConditional = true
    }

    /// Whether `record` can stand for the page in this run's records: it has the `fields`
    /// this run asks for (the same names, in order; null for a page that was not HTML) and
    /// `metadata` when this run asks for it. Otherwise the page is fetched whole.
    func canCarry(_ record: PreviousRecord) -> Bool {
        if let fieldKeys {
            guard record.fields != nil else { return false }
            if let keys = record.fieldKeys, keys != fieldKeys { return false }
        }
        if recordsMetadata, record.metadata == nil { return false }
        return true
    }

    /// Step 3, for a 304 to a conditional request: the earlier record's title, fields,
    /// metadata, content type and hash, with the validators the 304 sends replacing the
    /// earlier ones (a cache updates its stored headers from a 304, RFC 9111 4.3.4). What
    /// describes this exchange stays this exchange's: status, final URL, bytes (0),
    /// elapsed time, attempts.
    func carry(_ earlier: PreviousRecord, into record: inout ScrapeRecord, from response: FetchResponse) {
        record.title = earlier.title
        if fieldKeys != nil { record.fields = earlier.fields }
        if recordsMetadata { record.metadata = earlier.metadata }
        record.contentType = response.contentType ?? earlier.contentType
        record.etag = response.etag ?? earlier.etag
        record.lastModified = response.lastModified ?? earlier.lastModified
        record.contentSHA256 = earlier.contentSHA256
    }

    /// Step 4: `not_modified` (a 304) and `changed` (not a 304, and a `content_sha256`
    /// other than the earlier record's, or no earlier record at all).
    func mark(_ record: inout ScrapeRecord, previous earlier: PreviousRecord?, carried: Bool) {
        let notModified = record.status == 304
        let changed: Bool
        if carried {
            changed = false
        } else if let earlier {
            changed = record.contentSHA256 != earlier.contentSHA256
        } else {
            changed = true
        }
        record.revisit = ScrapeRecord.Revisit(notModified: notModified, changed: changed)
    }

    /// `record` marked against its URL's earlier record, for records the pipeline did not
    /// make (an input line that cannot be requested, `circuit_open`); a record already
    /// marked is returned as it is.
    public func marked(_ record: ScrapeRecord) -> ScrapeRecord {
        guard record.revisit == nil else { return record }
        var record = record
        mark(&record, previous: previous.lastRecord(for: record), carried: false)
        return record
    }
}
