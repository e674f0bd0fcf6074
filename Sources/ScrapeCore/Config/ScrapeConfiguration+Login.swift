extension ScrapeConfiguration {
    /// `login:`: how a run gets a session before its first request, and how a page shows
    /// that the session has ended (docs/sessions.md, "Logins").
    ///
    /// ```yaml
    /// login:
    ///   url: https://site.example/accounts/login/
    ///   form: {username: alice, password_env: SITE_PASSWORD}
    ///   form_selector: "form#login"
    ///   logged_out: {status: [401, 403], css: "form#login"}
    /// ```
    /// or, for a JSON API, `{url, method: POST, json: {...}, logged_out: {...}}`.
    /// Secrets are `NAME_env` / `NAME_file` keys in `form:` and at the top of `json:`: the
    /// value of `NAME` is read when the run starts and never printed.
    public struct Login: Sendable, Equatable {
        /// A value put in the form or the JSON body: written in the file, or a secret.
        public enum Value: Sendable, Equatable {
            case literal(String)
            case secret(Secret)
        }

        /// How the session is asked for (`package`: a JSON body is the package's own
        /// ``JSONDocument``).
        package enum Submission: Sendable, Equatable {
            /// Fetch `url`, find the form (`selector`, or the first with a password input),
            /// fill `fields`, submit it as the page says.
            case form(fields: [(name: String, value: Value)], selector: String?)
            /// Send `body` to `url` with `method`, each of `secrets` set at its top-level key
            /// (where `body` holds a null in its place).
            case json(method: String, body: JSONDocument, secrets: [(name: String, secret: Secret)])

            package static func == (lhs: Self, rhs: Self) -> Bool {
                switch (lhs, rhs) {
                case (.form(let a, let s), .form(let b, let t)):
                    s == t && a.count == b.count && zip(a, b).allSatisfy { $0.name == $1.name && $0.value == $1.value }
                case (.json(let m, let a, let x), .json(let n, let b, let y)):
                    m == n && a == b && x.count == y.count && zip(x, y).allSatisfy { $0.name == $1.name && $0.secret == $1.secret }
                default: false
                }
            }
        }

        /// `logged_out:`: a page that shows the session ended. At least one of the two.
        public struct LoggedOut: Sendable, Equatable {
            /// Statuses that mean "not logged in" (e.g. 401, 403).
            public var statuses: [Int]
            /// A selector that matches only on a page for visitors (the login form).
            public var css: String?

            public init(statuses: [Int] = [], css: String? = nil) {
                self.statuses = statuses
                self.css = css
            }
        }

        /// The login page (form) or endpoint (JSON).
        public var url: String
        package var submission: Submission
        public var loggedOut: LoggedOut

        package init(url: String, submission: Submission, loggedOut: LoggedOut) {
            self.url = url
            self.submission = submission
            self.loggedOut = loggedOut
        }
    }
}

extension ScrapeConfiguration.Login {
    /// Reads a `login:` mapping at `map.path`.
    init(_ map: YAMLMap) throws(ConfigurationError) {
        try map.allowOnly(["url", "form", "form_selector", "method", "json", "logged_out"])
        let url = try map.requiredString("url", "the login page's http:// or https:// URL")
        guard url.hasPrefix("http://") || url.hasPrefix("https://") else {
            throw .expected("an http:// or https:// URL", key: map.path("url"), got: url, line: map.line("url"))
        }
        let hasForm = map["form"] != nil
        let hasJSON = map["json"] != nil
        if hasForm == hasJSON {
            throw ConfigurationError(
                key: map.path.isEmpty ? "login" : map.path,
                message: hasForm ? "give form: (an HTML login form) or json: (a JSON login), not both" : "missing: form: (fields of the login page's form) or json: (a JSON body)",
                line: map.mapLine)
        }
        let submission: Submission
        if let node = map["form"] {
            if try map.string("method") != nil {
                throw ConfigurationError(key: map.path("method"), message: "a form is sent with its own method; method: is for json: logins", line: map.line("method"))
            }
            submission = .form(fields: try Self.values(YAMLMap(node, path: map.path("form"))), selector: try map.string("form_selector"))
        } else {
            if map["form_selector"] != nil {
                throw ConfigurationError(key: map.path("form_selector"), message: "form_selector is for form: logins", line: map.line("form_selector"))
            }
            let method = (try map.string("method") ?? "POST").uppercased()
            guard ["POST", "PUT", "PATCH"].contains(method) else {
                throw .expected("POST, PUT or PATCH", key: map.path("method"), got: method, line: map.line("method"))
            }
            let jsonMap = try YAMLMap(map["json"]!, path: map.path("json"))
            var members: [JSONDocument.Member] = []
            var secrets: [(name: String, secret: ScrapeConfiguration.Secret)] = []
            for name in jsonMap.keys {
                if let (base, secret) = try Self.secret(named: name, in: jsonMap) {
                    // A place for the value, so the body keeps the file's key order.
                    members.append(.init(key: base, value: .null))
                    secrets.append((base, secret))
                } else {
                    members.append(.init(key: name, value: try JSONDocument(yaml: jsonMap[name]!, path: jsonMap.path(name))))
                }
            }
            submission = .json(method: method, body: .object(members), secrets: secrets)
        }
        guard let loggedOutNode = map["logged_out"] else {
            throw ConfigurationError(
                key: map.path("logged_out"),
                message: "missing: how a page shows the session ended, {status: [401, 403]} and/or {css: \"form#login\"}; a later logout is found by it",
                line: map.mapLine)
        }
        self.init(url: url, submission: submission, loggedOut: try LoggedOut(YAMLMap(loggedOutNode, path: map.path("logged_out"))))
    }

    /// The form's values: `NAME: value` as written, `NAME_env` / `NAME_file` as secrets.
    private static func values(_ map: YAMLMap) throws(ConfigurationError) -> [(name: String, value: Value)] {
        var values: [(name: String, value: Value)] = []
        for name in map.keys {
            if let (base, secret) = try secret(named: name, in: map) {
                values.append((base, .secret(secret)))
            } else {
                guard let text = try map.string(name) else { continue }
                values.append((name, .literal(text)))
            }
        }
        if values.isEmpty {
            throw ConfigurationError(key: map.path, message: "expected the fields to fill, e.g. {username: alice, password_env: SITE_PASSWORD}", line: map.mapLine)
        }
        return values
    }

    /// `NAME_env: VARIABLE` or `NAME_file: PATH` as NAME's secret; nil for another key.
    private static func secret(named key: String, in map: YAMLMap) throws(ConfigurationError) -> (String, ScrapeConfiguration.Secret)? {
        for (suffix, make) in [("_env", ScrapeConfiguration.Secret.environment), ("_file", ScrapeConfiguration.Secret.file)] where key.hasSuffix(suffix) {
            let base = String(key.dropLast(suffix.count))
            guard !base.isEmpty else { return nil }
            let source = try map.requiredString(key, suffix == "_env" ? "an environment variable's name" : "a file's path")
            return (base, make(source))
        }
        return nil
    }
}

extension ScrapeConfiguration.Login.LoggedOut {
    init(_ map: YAMLMap) throws(ConfigurationError) {
        try map.allowOnly(["status", "css"])
        var statuses: [Int] = []
        if let node = map["status"] {
            let items: [YAMLNode] =
                switch node {
                case .sequence(let sequence): Array(sequence)
                default: [node]
                }
            for item in items {
                guard let text = item.string, let status = Int(text), (100...599).contains(status) else {
                    throw .expected("HTTP statuses such as [401, 403]", key: map.path("status"), got: item.string ?? "a mapping", line: item.mark.line)
                }
                statuses.append(status)
            }
        }
        let css = try map.string("css")
        if let css, css.isEmpty {
            throw ConfigurationError(key: map.path("css"), message: "must not be empty", line: map.line("css"))
        }
        guard !statuses.isEmpty || css != nil else {
            throw ConfigurationError(key: map.path, message: "expected status: [401, 403] and/or css: \"SELECTOR\"", line: map.mapLine)
        }
        self.init(statuses: statuses, css: css)
    }
}

extension ScrapeConfiguration.Login {
    /// The block as `check-config` shows it: secrets by their source, never their value.
    public var described: String {
        var lines = ["login:", "  url: \(url)"]
        switch submission {
        case .form(let fields, let selector):
            lines.append("  form:")
            for field in fields {
                switch field.value {
                case .literal(let text): lines.append("    \(field.name): \(text)")
                case .secret(let secret): lines.append("    \(field.name): (\(secret))")
                }
            }
            lines.append("  form_selector: \(selector ?? "none # the first form with a password input")")
        case .json(let method, let body, let secrets):
            lines.append("  method: \(method)")
            lines.append("  json: \(String(decoding: body.encoded, as: UTF8.self))")
            for secret in secrets { lines.append("    # \(secret.name): (\(secret.secret))") }
        }
        let statuses = loggedOut.statuses.map(String.init).joined(separator: ", ")
        lines.append("  logged_out: {status: [\(statuses)]\(loggedOut.css.map { ", css: \"\($0)\"" } ?? "")}")
        return lines.joined(separator: "\n")
    }
}

extension ScrapeConfiguration.HTTP {
    /// These settings with the cookie jar turned on when `on`: a login needs one, since the
    /// session it gets is cookies.
    public func withCookies(_ on: Bool) -> Self {
        var settings = self
        if on { settings.cookies = true }
        return settings
    }
}
