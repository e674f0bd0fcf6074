/// A config file or flag value that cannot be used, naming where and what was expected.
///
/// The message reads `http.per_host_rate: expected N/s, N/m or N/h, got "10 per sec"`;
/// with a file, the line number is added. Secret values are never quoted back.
///
/// It never names the file: whoever read the file has its path and puts it in front
/// (`scrape.yaml: line 2: http.timeout: ...`), for every error alike. An error that named
/// it too showed it twice (issue 24).
public struct ConfigurationError: Error, Sendable, CustomStringConvertible {
    /// The dotted key path (`http.timeout`, `jobs[1].api.paginator.type`) or flag (`--timeout`);
    /// empty for the file as a whole (``unreadableFile(reason:)``).
    public let key: String
    /// What the key needs, then what was found.
    public let message: String
    /// The 1-based line in the file, when the error comes from one.
    public let line: Int?

    /// Creates an error for `key`.
    public init(key: String, message: String, line: Int? = nil) {
        self.key = key
        self.message = message
        self.line = line
    }

    /// The file cannot be read (missing, a folder, no permission): about the file as a
    /// whole, so without a key; its caller names the file.
    ///
    /// - Parameter reason: the system's words (`No such file or directory`).
    public static func unreadableFile(reason: String) -> Self {
        Self(key: "", message: "cannot read the config file: \(reason)")
    }

    /// `key: expected X, got "Y"`.
    public static func expected(_ what: String, key: String, got value: String, line: Int? = nil) -> Self {
        Self(key: key, message: "expected \(what), got \"\(value)\"", line: line)
    }

    public var description: String {
        let keyed = key.isEmpty ? message : "\(key): \(message)"
        if let line { return "line \(line): \(keyed)" }
        return keyed
    }
}
