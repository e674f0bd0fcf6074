public import ScrapeHTTP
public import ScrapeHTML

/// Turns one validated URL into its record: fetch, then the title, in the calling task
/// (a child of the scheduler, on the cooperative pool, never on curl's I/O thread).
public struct PageFetcher: Sendable {
    let client: HTTPClient
    let titles: TitleExtractor

    public init(client: HTTPClient, titles: TitleExtractor = TitleExtractor()) {
        self.client = client
        self.titles = titles
    }

    /// The record for `request`, or nil when the task was cancelled (no record is written
    /// for a URL that was not finished, so `--resume` fetches it again).
    public func record(for request: HTTPRequest.Prepared) async -> ScrapeRecord? {
        let started = ContinuousClock.now
        do {
            let response = try await client.execute(request)
            let status = response.status
            return ScrapeRecord(
                url: request.request.url,
                finalURL: response.finalURL,
                status: status,
                title: titles.title(in: response.body, contentType: response.contentType),
                error: status >= 400 ? .init(kind: "http", message: "HTTP status \(status)") : nil,
                contentType: response.contentType,
                bytes: response.body.count,
                elapsedMilliseconds: Self.milliseconds(since: started),
                attempts: 1,
                fetchedAt: .now
            )
        } catch let error as HTTPClientError {
            return ScrapeRecord(
                url: request.request.url,
                error: .init(kind: error.kind.rawValue, message: error.message),
                elapsedMilliseconds: Self.milliseconds(since: started),
                attempts: 1,
                fetchedAt: .now
            )
        } catch {
            return nil  // CancellationError: the run is stopping
        }
    }

    /// The record for an input line that cannot be requested at all.
    public static func record(rejecting url: String, because error: HTTPClientError) -> ScrapeRecord {
        ScrapeRecord(url: url, error: .init(kind: error.kind.rawValue, message: error.message), attempts: 0, fetchedAt: .now)
    }

    static func milliseconds(since start: ContinuousClock.Instant) -> Int {
        let elapsed = ContinuousClock.now - start
        return Int(elapsed.components.seconds * 1000 + elapsed.components.attoseconds / 1_000_000_000_000_000)
    }
}
