public import ScrapeCore
public import ScrapeHTTP

extension URLSource.Line {
    /// What becomes of an input line before any request: the request to send, or the
    /// record of a line that cannot be requested (`invalid_url`, `unsupported_scheme`).
    public enum Admission: Sendable {
        /// The line is a URL to fetch: this request (a line that is not UTF-8 percent-encoded).
        case request(FetchRequest.Prepared)
        /// The line is never requested: its record, with `url` as the line gives it.
        case record(ScrapeRecord)
    }

    /// Decides what `scrape run` does with the line, in one place, so that `scrape frontier
    /// add` decides the same and writes the same records: a line longer than
    /// ``URLSource/maxLineBytes`` is an `invalid_url` naming its line number and length;
    /// otherwise the line is prepared as a request (``requestURL``), and what cannot be is
    /// recorded with the request's error.
    ///
    /// - Parameter maxURLLength: the client's limit (`http.max_url_length`).
    public func admission(maxURLLength: Int) -> Admission {
        if isCut {
            let error = HTTPClientError.invalidURL(
                "input line \(number) is \(byteCount) bytes long; the URL limit is \(maxURLLength) (the url field holds its first \(URLSource.maxLineBytes) bytes)")
            return .record(ScrapeRecord.rejected(text, because: error).keepingURL(bytes: invalidBytes))
        }
        do throws(HTTPClientError) {
            return .request(try FetchRequest.Prepared(FetchRequest(url: requestURL), maxURLLength: maxURLLength))
        } catch {
            return .record(ScrapeRecord.rejected(text, because: error).keepingURL(bytes: invalidBytes))
        }
    }
}
