import ScrapeCore
/// One walk of an endpoint: which of its pages are queued, which results came early, and
/// what to queue after each page taken. A value that decides; `APIRunner.StateMachine`
/// holds one per walk.
///
/// 1. The first page is queued when the walk starts (``init(id:job:pagination:extraFields:)``
///    takes it as queued).
/// 2. Results arrive in any order: ``park(_:)`` keeps each, and ``takeNext()`` hands them out
///    in page order only, so the walk's records are its sequential walk's.
/// 3. After each page is taken, ``follow(_:index:window:)`` says what to queue: the next
///    page once the pagination has read where it is, or, when the first page tells the
///    total, the rest of the pages, at most `window` beyond the next one to take, topped up
///    as pages are taken, so a slow page cannot make the rest pile up in memory.
struct APIWalk {
    /// The walk's number in its run, on its page requests.
    let id: Int
    /// The job it belongs to, by index in the run.
    let job: Int
    private var pagination: Pagination
    /// `,"_PARENT_FIELD":value` pairs appended to each record (`include_from_parent`).
    let extraFields: [UInt8]
    /// Pages queued so far; the next is numbered this.
    private(set) var queued = 1
    /// Results that arrived before the page they follow.
    private var parked: [Int: APIPageResult] = [:]
    /// Pages of a known total not queued yet.
    private var pending: ArraySlice<(url: String, body: JSONDocument?)> = []
    /// The page whose records are taken next.
    private(set) var nextIndex = 0

    init(id: Int, job: Int, pagination: Pagination, extraFields: [UInt8]) {
        self.id = id
        self.job = job
        self.pagination = pagination
        self.extraFields = extraFields
    }

    /// Keeps `result` until the pages before it are taken.
    mutating func park(_ result: APIPageResult) {
        parked[result.index] = result
    }

    /// The result of the next page in order, if it has arrived; it counts as taken.
    mutating func takeNext() -> APIPageResult? {
        guard let result = parked.removeValue(forKey: nextIndex) else { return nil }
        nextIndex += 1
        return result
    }

    /// What follows page `index`, just taken: the pages to queue, and the reason to stop
    /// when the walk is complete.
    ///
    /// Every page goes, in order, through the same decisions as in a sequential walk: its
    /// stop reason is the output's, and a page already queued is not queued again.
    /// - Throws: ``APIError`` (without the job's name) from the pagination: a repeated
    ///   cursor or next URL, a link it cannot follow.
    mutating func follow(_ page: Pagination.Page, index: Int, window: Int) throws(APIError) -> (requests: [APIPageRequest], stop: String?) {
        if index == 0, let rest = pagination.remainingRequests(after: page) {
            pending = rest[...]
        }
        var requests: [APIPageRequest] = []
        // Top the fanned-out walk up to its window.
        while !pending.isEmpty, queued < nextIndex + window {
            let request = pending.removeFirst()
            requests.append(APIPageRequest(job: job, walk: id, index: queued, url: request.url, body: request.body?.encoded))
            queued += 1
        }
        switch try pagination.next(after: page) {
        case .url(let next):
            if nextIndex >= queued, pending.isEmpty {
                requests.append(APIPageRequest(job: job, walk: id, index: queued, url: next, body: pagination.body?.encoded))
                queued += 1
            }
            return (requests, nil)
        case .stop(let reason):
            return (requests, reason)
        }
    }
}
