public import ScrapeCore
public import ScrapeHTTP
import ScrapeHTML

/// `login.logged_out`, compiled: whether a response shows that the session has ended
/// (its status is one of the listed, or the selector matches its HTML page). The login
/// checks the page it lands on with it, and every page of the run is checked after its
/// exchange (``PagePipeline``): a match there means "log in again and fetch this page again".
public struct LoggedOutTest: Sendable {
    let statuses: Set<Int>
    let selector: CSSSelector?

    /// - Throws: ``ConfigurationError`` at `key` when the selector does not compile.
    public init(_ loggedOut: ScrapeConfiguration.Login.LoggedOut, key: String) throws(ConfigurationError) {
        statuses = Set(loggedOut.statuses)
        if let css = loggedOut.css {
            do throws(SelectorError) {
                selector = try CSSSelector(css)
            } catch {
                throw ConfigurationError(key: "\(key).css", message: "\(error)")
            }
        } else {
            selector = nil
        }
    }

    /// Why `body`'s response shows a logged-out session, or nil when it does not. The tree
    /// the selector needs is built in `body`, where stage 4 (fields, a crawl's links) finds
    /// it: a page checked here is not parsed twice.
    public func match(_ body: inout PageBody) -> String? {
        let response = body.response
        if statuses.contains(response.status) { return "its status \(response.status) is in logged_out.status" }
        guard let selector, let document = body.document() else { return nil }
        return selector.first(in: document) == nil ? nil : "logged_out.css \"\(selector.text)\" matches it"
    }

    /// The test of `match(_ body:)` for a response nobody else parses (the login's landing
    /// page, an API page).
    public func match(_ response: FetchResponse) -> String? {
        var body = PageBody(response)
        return match(&body)
    }
}
