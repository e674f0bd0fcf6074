import ScrapeBase
public import ScrapeHTTP

extension ScrapeConfiguration {
    /// One entry of `jobs:`: a URL list to scrape, a site to crawl, an API to page through
    /// or a WebSocket stream.
    public struct Job: Sendable {
        /// What the job fetches.
        public enum Source: Sendable {
            /// `scrape: {urls_file: FILE}`.
            case scrape(urlsFile: String)
            /// `api: {...}`.
            case api(API)
            /// `ws: {...}`: a WebSocket stream the daemon keeps open.
            case stream(Stream)
            /// `crawl: {seeds: [...], ...}`: links followed from seeds (`scrape crawl` as a job).
            case crawl(Crawl)
        }

        /// Unique among the jobs; `--job NAME` picks it.
        public var name: String
        public var source: Source
        /// Where records go; `-` is stdout. Relative paths are relative to the working
        /// directory (the daemon resolves them under its state directory).
        public var output: String?
        /// How often the daemon runs it (`15m`, `1h`); nil for one-shot use only.
        public var every: Duration?
        /// Whether the daemon runs it once at start-up.
        public var atStart: Bool = false
        /// `priority`: the daemon starts queued runs of higher priority first. Default 0; any
        /// whole number, negative too (docs/daemon.md, "Priorities and overlap").
        public var priority = 0
        /// `overlap`: what the daemon does with a turn that falls due while the job runs.
        public var overlap = Overlap.skip
        /// A `scrape:` or `crawl:` job's `fields:` and `metadata:` (empty for other jobs).
        public var extraction = Extraction()
        /// Whether the daemon's runs of a `scrape:` or `crawl:` job compare with the job's
        /// last run (conditional requests, `not_modified`, `changed`): `revisit:`, default true.
        public var revisit = true
        /// The job's own `http:` over the top-level one (its keys replace the top-level
        /// values for this job's runs); nil when it has none: the top-level settings.
        public var http: HTTP?
        /// `login:`: the job's runs log in before their first request and again when a page
        /// shows the session ended (docs/sessions.md, "Logins"); nil for none.
        public var login: Login?

        /// `overlap:`, for a turn (or `POST /jobs/NAME/run`) that comes while the job runs.
        public enum Overlap: String, Sendable, Equatable {
            /// Skip the turn and count it (the default: a slow run is not followed at once by another).
            case skip
            /// Run once more after the running run ends; several such turns make one run.
            case queue
        }
    }

    /// A REST endpoint described the way dlt's `rest_api` source describes one.
    public struct API: Sendable {
        /// `base_url`, resolved against nothing: it must be absolute http(s).
        public var baseURL: String
        /// `path`, resolved against `base_url` by RFC 3986 (so `users` under `.../v1/` is `.../v1/users`).
        public var path: String = ""
        /// `method`: GET (default), POST, PUT or PATCH.
        public var method: FetchRequest.Method = .get
        /// `json`: the request body, sent as `application/json` (paginators may set values in it).
        package var json: JSONDocument?
        /// `retry_non_idempotent`: retry POST and PATCH pages like GET ones. Off by default: a
        /// request that may have reached the server is not sent twice, unless the error
        /// shows it did not (connect, DNS, 429 or 503 with `Retry-After`).
        public var retryNonIdempotent = false
        /// Where the paginator's values go in the body instead of the query.
        public var bodyPaths = BodyPaths()
        /// `response_actions`: responses that end the walk quietly, checked in order.
        public var responseActions: [ResponseAction] = []
        /// `resolve`: path parameters taken from another job's records, one walk of this
        /// endpoint per parent record (`{user_id: {job: users, field: id}}`).
        public var resolve: [Resolved] = []
        /// `include_from_parent`: parent fields added to each record as `_PARENT_FIELD`.
        public var includeFromParent: [JSONPath] = []

        /// The job this one's path parameters come from, if any.
        public var parentJob: String? { resolve.first?.job }
        /// Query parameters sent on every page, in order.
        public var params: [(name: String, value: String)] = []
        /// Headers sent on every page, in order.
        public var headers: [(name: String, value: String)] = []
        public var auth: Auth?
        /// Where the record array is in each page; the root when `$` or omitted.
        public var dataSelector: JSONPath = .root
        public var paginator: Paginator = .singlePage
        public var incremental: Incremental?
    }

    /// A secret's source: never written inline in the file, never printed.
    public enum Secret: Sendable, Equatable, CustomStringConvertible {
        /// An environment variable (`*_env` keys).
        case environment(String)
        /// A file's contents, trimmed (`*_file` keys).
        case file(String)

        /// Where it comes from, for messages; never the value.
        public var description: String {
            switch self {
            case .environment(let name): "environment variable \(name)"
            case .file(let path): "file \(path)"
            }
        }
    }

    /// `auth:` of an API job.
    public enum Auth: Sendable, Equatable {
        case bearer(token: Secret)
        case apiKey(name: String, location: APIKeyLocation, value: Secret)
        case httpBasic(username: String, password: Secret)
        case oauth2ClientCredentials(tokenURL: String, clientID: String, clientSecret: Secret, scopes: [String])
    }

    /// Where an API key goes.
    public enum APIKeyLocation: String, Sendable, Equatable {
        case header
        case query
    }

    /// `paginator:` of an API job; the names follow dlt.
    public enum Paginator: Sendable, Equatable {
        /// `?page=N`, from `basePage`, with an optional page size parameter.
        case pageNumber(param: String, basePage: Int, pageSize: Int?, pageSizeParam: String?, totalPath: JSONPath?, maximumPage: Int?)
        /// `?offset=N&limit=L`.
        case offset(offsetParam: String, limitParam: String, limit: Int, totalPath: JSONPath?, maximumOffset: Int?)
        /// A cursor in the body sent back as a parameter.
        case cursor(cursorPath: JSONPath, cursorParam: String)
        /// The next page's URL in the body, absolute or relative.
        case jsonLink(nextURLPath: JSONPath)
        /// RFC 8288 `Link: <...>; rel="next"`.
        case headerLink
        /// A cursor in a response header sent back as a parameter.
        case headerCursor(cursorKey: String, cursorParam: String)
        /// One request, no pages.
        case singlePage
    }

    /// One `resolve` entry: `{param: {job: NAME, field: PATH}}`.
    public struct Resolved: Sendable, Equatable {
        /// The `{param}` placeholder in `path`.
        public var param: String
        /// The parent job.
        public var job: String
        /// Where the value is in each parent record.
        public var field: JSONPath

        public init(param: String, job: String, field: JSONPath) {
            self.param = param
            self.job = job
            self.field = field
        }
    }

    /// One of `response_actions` (dlt's word): a response with this status, or whose body
    /// contains this text, is ignored: it ends the walk with no records and no error.
    public struct ResponseAction: Sendable, Equatable {
        /// `status_code`: matches this status.
        public var statusCode: Int?
        /// `content`: matches a body that contains this text.
        public var content: String?

        public init(statusCode: Int? = nil, content: String? = nil) {
            self.statusCode = statusCode
            self.content = content
        }

        /// Whether a response with `status` and `body` matches (every condition given holds).
        package func matches(status: Int, body: [UInt8]) -> Bool {
            if let statusCode, statusCode != status { return false }
            if let content, !body.contains(Array(content.utf8)) { return false }
            return statusCode != nil || content != nil
        }
    }

    /// The paginator's `*_body_path` keys: each value named goes into the JSON body at that
    /// dotted key path (created if missing) instead of into the query.
    public struct BodyPaths: Sendable, Equatable {
        public var page: [String]?
        public var offset: [String]?
        public var limit: [String]?
        public var cursor: [String]?

        public init(page: [String]? = nil, offset: [String]? = nil, limit: [String]? = nil, cursor: [String]? = nil) {
            self.page = page
            self.offset = offset
            self.limit = limit
            self.cursor = cursor
        }

        /// The keys set, as the config names them, for messages.
        var keys: [String] {
            [("page_body_path", page), ("offset_body_path", offset), ("limit_body_path", limit), ("cursor_body_path", cursor)]
                .compactMap { $0.1 == nil ? nil : $0.0 }
        }

        /// Whether any value goes into the body.
        package var isEmpty: Bool { keys.isEmpty }
    }

    /// `incremental:`: only records newer than the last run's largest `cursor_path` value.
    public struct Incremental: Sendable, Equatable {
        /// Where the cursor is in each record.
        public var cursorPath: JSONPath
        /// The query parameter that carries the last value.
        public var param: String
        /// Sent on the first run.
        public var initialValue: String?

        public init(cursorPath: JSONPath, param: String, initialValue: String?) {
            self.cursorPath = cursorPath
            self.param = param
            self.initialValue = initialValue
        }
    }
}

extension ScrapeConfiguration {
    /// The settings of each job with its own `http:`, every key present (its own over the
    /// top-level ones, defaults included), for `scrape check-config`; nil when no job has
    /// one. With a `daemon:` section, each says what the host sees from all runs together.
    public var jobHTTPSettings: String? {
        let perHost = daemon.perHostConcurrency ?? http.perHostConcurrency
        let perHostRate = (daemon.perHostRate ?? http.perHostRate).map { " and \($0)" } ?? ", with no rate limit"
        let blocks = jobs.compactMap { job -> String? in
            guard let settings = job.http?.effectiveSettings else { return nil }
            let keys = settings.split(separator: "\n").dropFirst().map { "  " + $0 }.joined(separator: "\n")
            let cap = hasDaemonSection
                ? "    # each run's own caps; from all runs together a host sees at most \(perHost) in flight\(perHostRate) (daemon.per_host_*)\n" : ""
            return "  \(job.name):\n" + cap + keys
        }
        guard !blocks.isEmpty else { return nil }
        return "job_http:\n" + blocks.joined(separator: "\n")
    }
}
