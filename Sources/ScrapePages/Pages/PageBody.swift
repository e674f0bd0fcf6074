public import ScrapeHTTP
public import ScrapeHTML

/// A response as the stages after the exchange read it, with its body's tree built at
/// most once (issue 30: a page with fields costs the tree build plus the selectors, no
/// second parse).
///
/// Two stages may want the tree of one response: the login's `logged_out.css` test, right
/// after the exchange (`LoggedOutTest.match(_:)`), and stage 4's fields or
/// crawl links. Whichever asks first builds it in ``document()``; the other gets the same
/// tree. A value the pipeline owns, one per response, passed `inout`: no lock, and nothing
/// parsed for a title-only run, whose ``TitleStage`` scans the bytes without a tree.
///
/// Sendable, so a crawl's stage 4 can run in another task after the scheduler released the
/// host's slot (``PagePipeline/Classified``): a finished ``HTMLDocument`` may move between
/// threads, and only one holder reads it at a time.
public struct PageBody: Sendable {
    /// The response; its body is never copied here.
    public let response: FetchResponse
    private var tree = Tree.notParsed

    /// Whether the tree was asked for, and what came of it.
    private enum Tree: Sendable {
        case notParsed
        /// The `Content-Type` is not HTML: no tree.
        case notHTML
        case parsed(HTMLDocument)
    }

    public init(_ response: FetchResponse) {
        self.response = response
    }

    /// The body's tree as a browser builds it (``HTMLDocument/parse(body:contentType:)``),
    /// built on the first call and kept; nil when the response is not HTML.
    public mutating func document() -> HTMLDocument? {
        switch tree {
        case .parsed(let document): return document
        case .notHTML: return nil
        case .notParsed:
            guard let document = HTMLDocument.parse(body: response.body, contentType: response.contentType) else {
                tree = .notHTML
                return nil
            }
            tree = .parsed(document)
            return document
        }
    }

    /// Whether a tree has been built (or the body found not to be HTML) already.
    public var isParsed: Bool {
        if case .notParsed = tree { return false }
        return true
    }
}
