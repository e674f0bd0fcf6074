public import ScrapeCore
import ScrapeBase
public import ScrapeHTTP
public import ScrapeHTML
import ScrapeResilience

/// One attempt at a page, from "its URL is due" to its record, as a fixed sequence of
/// named stages: the one engine of `scrape run`, daemon jobs and fleet workers.
///
/// The stages, in the order every attempt passes them:
/// 1. **Before the request** (``RequestStage``): each may change the request or answer
///    for the page without one. ``RobotsStage`` (robots.txt may forbid the path, and
///    gives the host's `Crawl-delay`), then with `--since` ``RevisitStage``'s conditional
///    headers (after robots.txt: a page robots.txt forbids sends nothing), then the run's
///    session: its headers where the request has none of the name, and its cookie jar.
///    The proxy choice goes here next.
/// 2. **The exchange**: the HTTP client sends the request, follows redirects, decodes.
///    With `login:`, an answer that shows the session ended brings one new login
///    (``LoginSession``, shared by every page that finds the same end) and the request is
///    sent again, in the same attempt: no retry is spent. A `logged_out.css` test builds
///    the page's tree in its ``PageBody``, where stage 4 finds it: one parse per page.
/// 3. **The response's meaning** (``ResponseClassifier``): the status or transport error
///    as the record's fields and error kind, and as an `AttemptOutcome` that the scheduler
///    turns into a retry, a breaker count or a final record.
/// 4. **From the body** (``BodyStage``): each takes something from the response into the
///    record. ``TitleStage`` when the run asks for the title only; ``FieldsStage`` (title,
///    fields and metadata from one parse) when it asks for fields or metadata; then
///    ``ContentDigest`` gives `content_sha256`. A 304 to a `--since` conditional request
///    skips this stage: ``RevisitStage`` carries the earlier record's content instead, and
///    marks every record `not_modified` / `changed`.
///
/// ``fetch(_:number:)`` (stages 1-3) and ``finish(_:reading:)`` (stage 4) are also apart:
/// `scrape crawl`'s scheduler frees the host's slot between the two.
///
/// The stages are ours and static, not a plugin system: the pipeline holds each as a
/// property, and ``attempt(_:number:)`` reads as the list above. It runs in the calling
/// task (a child of the scheduler, on `RunExecutor`'s threads in `scrape run`), never on
/// curl's I/O thread.
public struct PagePipeline: Sendable {
    /// Stage 1: robots.txt, nil when it is ignored.
    let robots: RobotsStage?
    /// Stage 2.
    let client: HTTPClient
    /// Stage 3.
    let classifier = ResponseClassifier()
    /// Stage 4, title only.
    let title: TitleStage
    /// Stage 4 with fields or metadata; when set, it gives the title too.
    let fields: FieldsStage?
    /// `--since`: stages 1 and 4 of a run that compares with an earlier output; nil otherwise.
    let revisit: RevisitStage?
    /// Stage 1, last: the run's headers and cookie jar (``RunSession``), on every request.
    let session: RequestDefaults
    /// `login:`: after stage 2, a response that shows the session ended (`logged_out`)
    /// brings one new login and the page is fetched again, in the same attempt; nil
    /// without a login.
    public let login: LoginSession?
    /// The client's proxy pool, when it has one (`ProxyRotator.swift`).
    let proxies: ProxyRotator?

    /// - Parameters:
    ///   - robots: the run's robots.txt cache; nil ignores robots.txt.
    ///   - extractor: the run's compiled fields and metadata
    ///     (``ScrapeCore/ScrapeConfiguration/Extraction/pageExtractor()``); nil for titles only.
    ///   - extraction: what `extractor` was compiled from: which of `fields` and
    ///     `metadata` the records get.
    ///   - since: `--since`'s earlier output; nil for a run that compares with none.
    ///   - session: the run's headers and cookie jar (``RunSession/defaults``); none by default.
    ///   - login: the run's login session, already started; nil without one.
    public init(
        client: HTTPClient, robots: RobotsCache? = nil, titles: TitleExtractor = TitleExtractor(), extractor: PageExtractor? = nil,
        extraction: ScrapeConfiguration.Extraction = .init(), since: PreviousRecords? = nil, session: RequestDefaults = .none,
        login: LoginSession? = nil
    ) {
        self.session = session
        self.login = login
        self.client = client
        self.proxies = ProxyRotator(client.configuration.proxy)
        self.robots = robots.map(RobotsStage.init(cache:))
        self.title = TitleStage(extractor: titles)
        self.fields = extractor.map { FieldsStage(extractor: $0, extraction: extraction) }
        self.revisit = since.map { RevisitStage(previous: $0, extraction: extraction) }
    }

    /// Attempt number `number` (1-based) at `request`; nil when the task was cancelled
    /// (no record for an unfinished URL, so `--resume` fetches it again).
    public func attempt(_ request: FetchRequest.Prepared, number: Int) async -> Scheduler<ContinuousClock>.Attempt<ScrapeRecord>? {
        // Stages 1 to 3 are ``fetch(_:number:)``'s; stage 4 is the fields stage when
        // the run has fields or metadata, else the title's fast path.
        // The fields stage reads the page's tree, which the login's logged_out.css test
        // may have built already (``PageBody``); the title's fast path reads the bytes.
        await attempt(request, number: number, reading: { body, record -> Void? in
            if let fields { fields.extract(from: &body, into: &record) } else { title.extract(from: body.response, into: &record) }
            return nil
        })?.attempt
    }
}
