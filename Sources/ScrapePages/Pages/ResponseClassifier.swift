import ScrapeCore
import ScrapeBase
import ScrapeHTTP
import ScrapeResilience

/// Stage 3 of the ``PagePipeline``: what an exchange means. A response becomes the
/// record's fields (an `http` error for a status >= 400; its validators, `etag` and
/// `last_modified`, as sent) and an `AttemptOutcome` for the
/// scheduler's retry and breaker; a transport failure becomes its error kind and outcome.
/// The status and error mappings to outcomes live in `AttemptOutcome+HTTP.swift`.
struct ResponseClassifier: Sendable {
    func classify(_ response: FetchResponse, of page: PageAttempt, elapsed: Duration) -> (ScrapeRecord, AttemptOutcome) {
        let status = response.status
        var record = ScrapeRecord(
            url: page.request.request.url,
            finalURL: response.finalURL,
            status: status,
            error: status >= 400 ? .init(kind: .http, message: "HTTP status \(status)") : nil,
            contentType: response.contentType,
            bytes: response.body.count,
            elapsedMilliseconds: Int(elapsed.inMilliseconds),
            attempts: page.number,
            fetchedAt: .now
        )
        record.etag = response.etag
        record.lastModified = response.lastModified
        record.proxy = response.proxy?.displayName
        return (record, AttemptOutcome(response: response))
    }

    func classify(_ error: HTTPClientError, of page: PageAttempt, elapsed: Duration) -> (ScrapeRecord, AttemptOutcome) {
        let record = ScrapeRecord(
            url: page.request.request.url,
            error: .init(kind: ErrorKind(error.kind), message: error.message),
            elapsedMilliseconds: Int(elapsed.inMilliseconds),
            attempts: page.number,
            fetchedAt: .now
        )
        return (record, AttemptOutcome(error: error))
    }
}
