import ScrapeBase
import ScrapeHTTP

/// Reads `jobs:` entries. Keys (dlt's `rest_api` vocabulary where it has one):
///
/// | key | form | default |
/// |---|---|---|
/// | `name` | string, unique | required |
/// | `scrape.urls_file` | path | one of `scrape`/`crawl`/`api`/`ws` required |
/// | `scrape.fields`, `scrape.metadata` | as the top-level keys (`ScrapeConfiguration+ExtractionYAML.swift`) | none, false |
/// | `crawl.*` | `scrape crawl`'s flags as keys (`ScrapeConfiguration+CrawlYAML.swift`) | one of `scrape`/`crawl`/`api`/`ws` required |
/// | `api.base_url` | absolute http(s) URL | required |
/// | `api.path` | relative reference; each `{name}` needs a `resolve` entry | `""` |
/// | `api.params`, `api.headers` | string map | none |
/// | `api.auth.type` | `bearer` (`token_env`/`token_file`), `api_key` (`name`, `location: header|query`, `value_env`/`value_file`), `http_basic` (`username`, `password_env`/`password_file`), `oauth2_client_credentials` (`access_token_url`, `client_id`, `client_secret_env`/`_file`, `scopes`) | none |
/// | `api.data_selector` | dotted path with `[N]`; `$` = the body | `$` |
/// | `api.paginator.type` | `page_number` (`page_param` page, `base_page` 1, `page_size`, `page_size_param`), `offset` (`offset_param` offset, `limit_param` limit, `limit` required), `cursor` (`cursor_path` cursors.next, `cursor_param` cursor), `json_link` (`next_url_path` next), `header_link`, `header_cursor` (`cursor_key` next, `cursor_param` cursor), `single_page`; page_number and offset also take `total_path`, `maximum_page` / `maximum_offset` | `single_page` |
/// | `api.incremental` | `{cursor_path, param, initial_value}` | none |
/// | `ws.url` | `ws://` or `wss://` URL | required |
/// | `ws.send` | list of text messages | none |
/// | `ws.headers`, `ws.auth`, `ws.subprotocol` | as `api.headers` (not the handshake's own, not empty), `api.auth`; a token | none |
/// | `ws.ping_interval`, `ws.idle_timeout` | duration, more than 0 | 30s, twice the ping interval |
/// | `ws.max_message_size` | size, 1B to 4GiB | 16MiB |
/// | `ws.compression` | bool (permessage-deflate) | true |
/// | `ws.cacert` | PEM file | the system's store |
/// | `output` | path or `-` | none (`-o` or stdout) |
/// | `every` | duration (daemon) | none |
/// | `at_start` | bool (daemon) | false |
/// | `priority` | whole number, negative too (daemon) | 0 |
/// | `overlap` | `skip` or `queue` (daemon) | `skip` |
/// | `revisit` | bool: `scrape:` and `crawl:` jobs re-fetch conditionally from run to run (daemon) | true |
/// | `http` | the top-level `http:` keys (read by the same parser), over the top-level values, for this job's runs; not `circuit_breaker` (the daemon's breakers are shared), not on `ws:` jobs | the top-level `http:` |
extension ScrapeConfiguration.Job {
    /// The keys that say what a job fetches; a job has exactly one.
    static let sourceKeys = ["scrape", "api", "crawl", "ws"]

    /// - Parameter topLevel: the file's `http:`, which the job's own `http:` goes over.
    init(_ map: YAMLMap, http topLevel: ScrapeConfiguration.HTTP = .init()) throws(ConfigurationError) {
        try map.allowOnly(["name"] + Self.sourceKeys + ["output", "every", "at_start", "priority", "overlap", "revisit", "http", "login"])
        name = try map.requiredString("name", "a job name")
        output = try map.string("output")
        every = try map.duration("every")
        atStart = try map.bool("at_start") ?? false
        (priority, overlap) = try Self.queueKeys(map)
        revisit = try map.bool("revisit") ?? true
        if map["revisit"] != nil, let other = ["api", "ws"].first(where: { map[$0] != nil }) {
            throw ConfigurationError(
                key: map.path("revisit"), message: "revisit: applies to scrape: and crawl: jobs (pages with validators), not \(other): jobs",
                line: map.line("revisit"))
        }
        let given = Self.sourceKeys.filter { map[$0] != nil }
        if given.count > 1 {
            throw ConfigurationError(
                key: map.path(given[1]), message: "a job has one of scrape:, api:, crawl: or ws:, not \(given[0]): and \(given[1]): both",
                line: map.line(given[1]))
        }
        http = try Self.http(map, over: topLevel)
        if let node = map["login"] {
            login = try ScrapeConfiguration.Login(YAMLMap(node, path: map.path("login")))
        }
        switch given.first {
        case "ws":
            if map["login"] != nil {
                throw ConfigurationError(
                    key: map.path("login"), message: "a ws: job has no pages to log in for; login: applies to scrape:, crawl: and api: jobs",
                    line: map.line("login"))
            }
            if map["http"] != nil {
                throw ConfigurationError(
                    key: map.path("http"), message: "a ws: job's connection has its own keys under ws: (headers, ping_interval, idle_timeout, ...); http: does not apply",
                    line: map.line("http"))
            }
            if let key = ["every", "at_start", "priority", "overlap"].first(where: { map[$0] != nil }) {
                throw ConfigurationError(key: map.path(key), message: "a ws: job runs for as long as the daemon does; \(key): does not apply", line: map.line(key))
            }
            source = .stream(try ScrapeConfiguration.Stream(YAMLMap(map["ws"]!, path: map.path("ws"))))
        case "scrape":
            let scrapeMap = try YAMLMap(map["scrape"]!, path: map.path("scrape"))
            try scrapeMap.allowOnly(["urls_file", "fields", "metadata"])
            source = .scrape(urlsFile: try scrapeMap.requiredString("urls_file", "the path of a URL list"))
            extraction = try ScrapeConfiguration.Extraction(scrapeMap)
        case "crawl":
            let crawlMap = try YAMLMap(map["crawl"]!, path: map.path("crawl"))
            source = .crawl(try ScrapeConfiguration.Crawl(crawlMap))
            extraction = try ScrapeConfiguration.Extraction(crawlMap)
        case "api":
            source = .api(try ScrapeConfiguration.API(YAMLMap(map["api"]!, path: map.path("api")), job: name))
        default:
            throw ConfigurationError(
                key: map.path("scrape"), message: "missing: expected scrape: {urls_file: ...}, crawl: {seeds: [...]}, api: {...} or ws: {...}",
                line: map.mapLine)
        }
    }
}

extension ScrapeConfiguration.Job {
    /// The job's `http:` over `topLevel`, read by the top-level parser (so every `http:` key
    /// is a job key too), but for `circuit_breaker`: the daemon's breakers are shared by all
    /// its runs, so one job cannot have its own.
    private static func http(_ map: YAMLMap, over topLevel: ScrapeConfiguration.HTTP) throws(ConfigurationError) -> ScrapeConfiguration.HTTP? {
        guard let node = map["http"] else { return nil }
        let httpMap = try YAMLMap(node, path: map.path("http"))
        if httpMap["circuit_breaker"] != nil {
            throw ConfigurationError(
                key: httpMap.path("circuit_breaker"),
                message: "the circuit breakers are shared by every job of the daemon (an origin one job found failing is open for all); set http.circuit_breaker at the top level",
                line: httpMap.line("circuit_breaker"))
        }
        return try ScrapeConfiguration.HTTP(httpMap, over: topLevel)
    }

    /// `priority` and `overlap`, the daemon's queue keys, with their defaults.
    private static func queueKeys(_ map: YAMLMap) throws(ConfigurationError) -> (priority: Int, overlap: Overlap) {
        var keys = (priority: 0, overlap: Overlap.skip)
        if let text = try map.string("priority") {
            guard let value = Int(text) else { throw .expected("a whole number", key: map.path("priority"), got: text, line: map.line("priority")) }
            keys.priority = value
        }
        if let text = try map.string("overlap") {
            guard let value = Overlap(rawValue: text) else { throw .expected("skip or queue", key: map.path("overlap"), got: text, line: map.line("overlap")) }
            keys.overlap = value
        }
        return keys
    }
}

extension ScrapeConfiguration.Stream {
    init(_ map: YAMLMap) throws(ConfigurationError) {
        // Every Setting's key is here; the order is the message's.
        try map.allowOnly([
            "url", "send", "headers", "auth", "subprotocol", "ping_interval", "idle_timeout", "max_message_size", "compression", "cacert",
        ])
        let text = try map.requiredString("url", "a ws:// or wss:// URL")
        do throws(StreamURL.Invalid) {
            self.init(url: try StreamURL(text))
        } catch {
            throw ConfigurationError(key: map.path("url"), message: error.reason, line: map.line("url"))
        }
        send = try map.stringList("send")
        for (name, value) in try map.stringPairs("headers") {
            try addHeader(name: name, value: value, key: "\(map.path("headers")).\(name)", line: map.line("headers"))
        }
        if let node = map["auth"] { auth = try ScrapeConfiguration.Auth(YAMLMap(node, path: map.path("auth"))) }
        for setting in Setting.allCases {
            if let text = try map.string(setting.key) {
                try set(setting, from: text, source: map.path(setting.key), line: map.line(setting.key))
            }
        }
        compression = try map.bool("compression") ?? compression
    }
}

extension ScrapeConfiguration.API {
    /// Reads the `api:` map of job `job` (named in the messages of checks across keys).
    init(_ map: YAMLMap, job: String) throws(ConfigurationError) {
        try map.allowOnly([
            "base_url", "path", "method", "json", "retry_non_idempotent", "params", "headers", "auth", "data_selector", "paginator",
            "response_actions", "resolve", "include_from_parent", "incremental",
        ])
        baseURL = try map.requiredString("base_url", "an absolute http:// or https:// URL")
        let lowered = baseURL.lowercased()
        guard lowered.hasPrefix("http://") || lowered.hasPrefix("https://") else {
            throw .expected("an absolute http:// or https:// URL", key: map.path("base_url"), got: baseURL, line: map.line("base_url"))
        }
        // Checked as the client will check it, so a control byte or space in the URL is a
        // config error naming the key, not a failure at the first request.
        do throws(HTTPClientError) {
            _ = try FetchRequest.Prepared(FetchRequest(url: baseURL))
        } catch {
            throw ConfigurationError(key: map.path("base_url"), message: error.message, line: map.line("base_url"))
        }
        path = try map.string("path") ?? ""
        if path.utf8.contains(where: { $0 < 0x20 || $0 == 0x7F }) {
            throw ConfigurationError(key: map.path("path"), message: "must not contain control characters (CR, LF, NUL ...)", line: map.line("path"))
        }
        params = try map.stringPairs("params")
        headers = try map.headerPairs("headers")
        if let node = map["auth"] { auth = try ScrapeConfiguration.Auth(YAMLMap(node, path: map.path("auth"))) }
        dataSelector = try map.jsonPath("data_selector") ?? .root
        var paginatorMap: YAMLMap?
        if let node = map["paginator"] {
            let paginatorNode = try YAMLMap(node, path: map.path("paginator"))
            paginator = try ScrapeConfiguration.Paginator(paginatorNode)
            bodyPaths = try ScrapeConfiguration.BodyPaths(paginatorNode)
            paginatorMap = paginatorNode
        }
        if let text = try map.string("method") {
            guard ["GET", "POST", "PUT", "PATCH"].contains(text) else {
                throw .expected("GET, POST, PUT or PATCH", key: map.path("method"), got: text, line: map.line("method"))
            }
            method = FetchRequest.Method(rawValue: text)
        }
        if let node = map["json"] { json = try JSONDocument(yaml: node, path: map.path("json")) }
        retryNonIdempotent = try map.bool("retry_non_idempotent") ?? false
        if let node = map["resolve"] {
            let resolveMap = try YAMLMap(node, path: map.path("resolve"))
            for param in resolveMap.keys {
                let entry = try YAMLMap(resolveMap[param]!, path: resolveMap.path(param))
                try entry.allowOnly(["job", "field"])
                guard let field = try entry.jsonPath("field") else {
                    throw ConfigurationError(key: entry.path("field"), message: "missing: expected the parent record's field", line: entry.mapLine)
                }
                guard path.contains("{\(param)}") else {
                    throw ConfigurationError(key: resolveMap.path(param), message: "path has no {\(param)} to put the value in", line: resolveMap.line(param))
                }
                resolve.append(.init(param: param, job: try entry.requiredString("job", "the parent job's name"), field: field))
            }
            if Set(resolve.map(\.job)).count > 1 {
                throw ConfigurationError(key: map.path("resolve"), message: "every resolved parameter must come from the same parent job", line: map.line("resolve"))
            }
        }
        try checkPlaceholders(map, job: job)
        for (index, text) in try map.stringList("include_from_parent").enumerated() {
            guard let field = JSONPath(text) else {
                throw .expected("a field path like id or profile.name", key: map.path("include_from_parent[\(index)]"), got: text, line: map.line("include_from_parent"))
            }
            includeFromParent.append(field)
        }
        if !includeFromParent.isEmpty, resolve.isEmpty {
            throw ConfigurationError(key: map.path("include_from_parent"), message: "needs resolve: (there is no parent job)", line: map.line("include_from_parent"))
        }
        if let node = map["response_actions"] {
            let list = try YAMLList(node, path: map.path("response_actions"))
            for index in list.items.indices {
                let item = try list.map(index)
                try item.allowOnly(["status_code", "content", "action"])
                let action = try item.requiredString("action", "ignore")
                guard action == "ignore" else { throw .expected("ignore", key: item.path("action"), got: action, line: item.line("action")) }
                let rule = ScrapeConfiguration.ResponseAction(statusCode: try item.int("status_code", minimum: 100), content: try item.string("content"))
                guard rule.statusCode != nil || rule.content?.isEmpty == false else {
                    throw ConfigurationError(key: item.path, message: "expected status_code or content (or both) to match", line: item.mapLine)
                }
                responseActions.append(rule)
            }
        }
        if let json, !json.isObject, let key = bodyPaths.keys.first {
            throw ConfigurationError(key: map.path("paginator.\(key)"), message: "a value in the body needs json: to be a mapping", line: map.line("json"))
        }
        if method == .get {
            if map["json"] != nil {
                throw ConfigurationError(key: map.path("json"), message: "a JSON body needs method: POST, PUT or PATCH", line: map.line("json"))
            }
            if let key = bodyPaths.keys.first {
                throw ConfigurationError(key: map.path("paginator.\(key)"), message: "a value in the body needs method: POST, PUT or PATCH", line: map.line("paginator"))
            }
        }
        if let paginatorMap { try checkBodyPaths(map, paginator: paginatorMap) }
        if let node = map["incremental"] {
            let incrementalMap = try YAMLMap(node, path: map.path("incremental"))
            try incrementalMap.allowOnly(["cursor_path", "param", "initial_value"])
            guard let cursorPath = try incrementalMap.jsonPath("cursor_path") else {
                throw ConfigurationError(key: incrementalMap.path("cursor_path"), message: "missing: expected the record field that orders records", line: incrementalMap.mapLine)
            }
            incremental = .init(
                cursorPath: cursorPath,
                param: try incrementalMap.requiredString("param", "the query parameter for the last value"),
                initialValue: try incrementalMap.string("initial_value")
            )
        }
    }
}

extension ScrapeConfiguration.Auth {
    static let types = ["bearer", "api_key", "http_basic", "oauth2_client_credentials"]

    init(_ map: YAMLMap) throws(ConfigurationError) {
        let type = try map.requiredString("type", "one of \(Self.types.joined(separator: ", "))")
        switch type {
        case "bearer":
            try map.allowOnly(["type", "token", "token_env", "token_file"])
            self = .bearer(token: try map.secret("token")!)
        case "api_key":
            try map.allowOnly(["type", "name", "location", "value", "value_env", "value_file"])
            let locationText = try map.string("location") ?? "header"
            guard let location = ScrapeConfiguration.APIKeyLocation(rawValue: locationText) else {
                throw .expected("header or query", key: map.path("location"), got: locationText, line: map.line("location"))
            }
            self = .apiKey(name: try map.string("name") ?? "X-API-Key", location: location, value: try map.secret("value")!)
        case "http_basic":
            try map.allowOnly(["type", "username", "password", "password_env", "password_file"])
            self = .httpBasic(username: try map.requiredString("username", "a user name"), password: try map.secret("password")!)
        case "oauth2_client_credentials":
            try map.allowOnly(["type", "access_token_url", "client_id", "client_secret", "client_secret_env", "client_secret_file", "scopes"])
            self = .oauth2ClientCredentials(
                tokenURL: try map.requiredString("access_token_url", "the token endpoint's URL"),
                clientID: try map.requiredString("client_id", "the client id"),
                clientSecret: try map.secret("client_secret")!,
                scopes: try map.stringList("scopes")
            )
        default:
            throw ConfigurationError(
                key: map.path("type"), message: "expected one of \(Self.types.joined(separator: ", ")); got \"\(type)\"", line: map.line("type"))
        }
    }
}

extension ScrapeConfiguration.Paginator {
    static let types = ["page_number", "offset", "cursor", "json_link", "header_link", "header_cursor", "single_page"]

    init(_ map: YAMLMap) throws(ConfigurationError) {
        let type = try map.requiredString("type", "one of \(Self.types.joined(separator: ", "))")
        switch type {
        case "page_number":
            try map.allowOnly(["type", "page_param", "page_body_path", "base_page", "page_size", "page_size_param", "total_path", "maximum_page"])
            self = .pageNumber(
                param: try map.string("page_param") ?? "page", basePage: try map.int("base_page", minimum: 0) ?? 1,
                pageSize: try map.int("page_size", minimum: 1), pageSizeParam: try map.string("page_size_param"),
                totalPath: try map.jsonPath("total_path"), maximumPage: try map.int("maximum_page", minimum: 0)
            )
        case "offset":
            try map.allowOnly(["type", "offset_param", "offset_body_path", "limit_param", "limit_body_path", "limit", "total_path", "maximum_offset"])
            guard let limit = try map.int("limit", minimum: 1) else {
                throw ConfigurationError(key: map.path("limit"), message: "missing: expected the page size (a whole number >= 1)", line: map.mapLine)
            }
            self = .offset(
                offsetParam: try map.string("offset_param") ?? "offset", limitParam: try map.string("limit_param") ?? "limit",
                limit: limit, totalPath: try map.jsonPath("total_path"), maximumOffset: try map.int("maximum_offset", minimum: 0)
            )
        case "cursor":
            try map.allowOnly(["type", "cursor_path", "cursor_param", "cursor_body_path"])
            self = .cursor(cursorPath: try map.jsonPath("cursor_path") ?? JSONPath("cursors.next")!, cursorParam: try map.string("cursor_param") ?? "cursor")
        case "json_link":
            try map.allowOnly(["type", "next_url_path"])
            self = .jsonLink(nextURLPath: try map.jsonPath("next_url_path") ?? JSONPath("next")!)
        case "header_link":
            try map.allowOnly(["type"])
            self = .headerLink
        case "header_cursor":
            try map.allowOnly(["type", "cursor_key", "cursor_param"])
            self = .headerCursor(cursorKey: try map.string("cursor_key") ?? "next", cursorParam: try map.string("cursor_param") ?? "cursor")
        case "single_page":
            try map.allowOnly(["type"])
            self = .singlePage
        default:
            throw ConfigurationError(
                key: map.path("type"), message: "expected one of \(Self.types.joined(separator: ", ")); got \"\(type)\"", line: map.line("type"))
        }
    }
}

extension ScrapeConfiguration.BodyPaths {
    /// The `*_body_path` keys of a paginator map (its type allows only its own).
    init(_ map: YAMLMap) throws(ConfigurationError) {
        func path(_ key: String) throws(ConfigurationError) -> [String]? {
            guard let text = try map.string(key) else { return nil }
            let keys = text.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
            guard !keys.contains(where: { $0.isEmpty || $0.contains("[") || $0.contains("]") }) else {
                throw .expected("object keys separated by dots, like query.page", key: map.path(key), got: text, line: map.line(key))
            }
            return keys
        }
        self.init(page: try path("page_body_path"), offset: try path("offset_body_path"), limit: try path("limit_body_path"), cursor: try path("cursor_body_path"))
    }
}
