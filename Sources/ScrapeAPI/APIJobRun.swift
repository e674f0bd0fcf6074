import ScrapeBase
public import ScrapePages
public import ScrapeCore
public import ScrapeHTTP

/// One run of an `api:` job: every page, every record, as JSON Lines.
///
/// ``APIRunner`` runs it (alone, or with other jobs on one scheduler): its pages go through
/// the same scheduler as scraping's URLs. Records are copied byte for byte from the page
/// (whitespace outside strings removed so each is one line): numbers keep their digits,
/// keys their order. With `incremental:` the largest cursor value is saved
/// after the output is fsynced, and sent as `param` on the next run.
public struct APIJobRun: Sendable {
    /// What to run.
    public struct Options: Sendable {
        public var job: ScrapeConfiguration.Job
        public var api: ScrapeConfiguration.API
        /// Where the job sits in the file (`jobs[1]`), for messages.
        public var keyPath: String
        /// Output path or `-`.
        public var output: String
        /// The incremental state file; nil derives `OUTPUT.state.json` (or `NAME.state.json` for stdout).
        public var statePath: String?
        public var http: ScrapeConfiguration.HTTP
        /// Keep the output's earlier records and add this run's after them (the daemon);
        /// otherwise a job without `incremental:` starts its output empty.
        public var appends = false
        /// Files the run reads (the config file), which the output must never be.
        public var inputs: [String] = []
        /// The job's `login:` (from ``job`` unless changed): its first page logs in, and a
        /// response that shows the session ended brings one new login
        /// (``ScrapePages/LoginSession``); nil for none.
        public var login: ScrapeConfiguration.Login?
        /// `--with-meta`: each line is `{"job":...,"page_url":...,"record":<as sent>}`;
        /// otherwise the record alone, byte for byte.
        public var withMeta = false
        /// The headers and cookie jar of the run, opened by the caller: a daemon job run
        /// shares its one with the parents its `resolve:` fetches again. Nil (the default)
        /// opens one from ``http`` for this job's run alone and saves and closes it at its end.
        public var session: RunSession?

        public init(job: ScrapeConfiguration.Job, api: ScrapeConfiguration.API, keyPath: String, output: String, statePath: String? = nil, http: ScrapeConfiguration.HTTP) {
            self.job = job
            self.api = api
            self.keyPath = keyPath
            self.output = output
            self.statePath = statePath
            self.http = http
            self.login = job.login
        }

        var resolvedStatePath: String { statePath ?? (output == "-" ? "\(job.name).state.json" : output + ".state.json") }
    }

    /// Counts of a run.
    public struct Summary: Sendable {
        public var pages = 0
        public var records = 0
        public var retries = 0
        public var elapsed: Duration = .zero
        /// Why paging stopped.
        public var stopReason = ""
        /// Responses `response_actions` ignored.
        public var ignored = 0
        /// The incremental value saved, when there is one.
        public var savedCursor: String?
    }

    /// Why a run could not start (config, secrets, files) or failed part-way.
    public enum Failure: Error, CustomStringConvertible {
        case configuration(ConfigurationError)
        case output(OutputError)
        /// The API failed part-way; the records written before stay in `output`.
        case job(APIError, recordsKept: Int, output: String)
        /// The run was cancelled (a signal, the daemon's drain) before job `job` ended; the
        /// records written before stay in `output`. Apart from the other failures, so a
        /// command can say what was kept and what running it again does.
        case interrupted(job: String, recordsKept: Int, output: String)

        public var description: String {
            switch self {
            case .configuration(let error): "\(error)"
            case .output(let error): "\(error)"
            case .job(let error, let kept, let output): "\(error); \(Self.kept(kept, in: output))"
            case .interrupted(let job, let kept, let output): "job \(job): cancelled; \(Self.kept(kept, in: output))"
            }
        }

        private static func kept(_ count: Int, in output: String) -> String {
            "the \(count) record\(count == 1 ? "" : "s") written before it \(count == 1 ? "is" : "are") kept in \(output == "-" ? "standard output" : output)"
        }
    }

    public let options: Options
    /// Called with what each page request came to, retries included (the daemon's metrics).
    public var onAttempt: (@Sendable (RequestReport) -> Void)?

    public init(options: Options) {
        self.options = options
    }

    /// Runs the job alone with `client` (``APIRunner`` runs several jobs on one scheduler).
    ///
    /// - Throws: ``Failure``; records written before a failure stay written (and fsynced),
    ///   but the incremental state is not advanced.
    public func run(client: HTTPClient) async throws(Failure) -> Summary {
        switch await APIRunner.run([self], client: client)[0] {
        case .success(let summary): return summary
        case .failure(let failure): throw failure
        }
    }

    /// The path and `include_from_parent` fields of the walk for one parent record.
    ///
    /// - Throws: ``APIError`` when the record is not JSON, or lacks a `resolve:` field or an
    ///   `include_from_parent` one: the file names fields the parent's records must have,
    ///   and a `null` written in place of a missing one would hide a misspelt name for ever.
    func childTarget(_ parent: [UInt8]) throws(APIError) -> (path: String, extra: [UInt8]) {
        let name = options.job.name
        let value: JSONValue
        do {
            value = try JSONParser.parse(parent)
        } catch {
            throw APIError(job: name, message: "a record of parent job \(options.api.parentJob ?? "") is not JSON: \(error)")
        }
        var path = options.api.path
        for resolved in options.api.resolve {
            guard let text = value.value(at: resolved.field)?.scalarText(in: parent) else {
                throw APIError(job: name, message: "a record of parent job \(resolved.job) has no \(resolved.field) for {\(resolved.param)}")
            }
            path = path.replacing("{\(resolved.param)}", with: HTTPURL.percentEncode(text))
        }
        var extra: [UInt8] = []
        for field in options.api.includeFromParent {
            guard let included = value.value(at: field) else {
                throw APIError(
                    job: name,
                    message: "include_from_parent: a record of parent job \(options.api.parentJob ?? "") has no field \(field); "
                        + "name only fields the parent's records have")
            }
            extra.append(UInt8(ascii: ","))
            let key = "_\(options.api.parentJob ?? "parent")_" + "\(field)".map { $0 == "." ? "_" : $0 }
            JSONLineEncoder.appendString(key, to: &extra)
            extra.append(UInt8(ascii: ":"))
            extra += included.compactBytes(in: parent)
        }
        return (path, extra)
    }

    /// `{"job":"NAME","page_url":"URL","record":` for `--with-meta`; the record's bytes and
    /// a closing brace follow.
    static func metaPrefix(job: String, pageURL: String) -> [UInt8] {
        var bytes = Array(#"{"job":"#.utf8)
        JSONLineEncoder.appendString(job, to: &bytes)
        bytes += Array(#","page_url":"#.utf8)
        JSONLineEncoder.appendString(pageURL, to: &bytes)
        bytes += Array(#","record":"#.utf8)
        return bytes
    }
}
