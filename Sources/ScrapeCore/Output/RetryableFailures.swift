import ScrapeBase

/// Which recorded failures `--resume --retry-failed` fetches again.
///
/// A record whose error is transient (the host was down, slow or overloaded) is not a
/// final answer: its message tells the user to try again later. With `--retry-failed`
/// such records are taken out of the output and their URLs fetched anew, so the file
/// still ends with exactly one record per input line.
public struct RetryableFailures: Sendable, Equatable {
    /// Error kinds retried whatever their status.
    public var kinds: Set<ErrorKind>
    /// HTTP statuses retried (records of kind `http`).
    public var statuses: Set<Int>

    /// The kinds that mean "try later": `timeout`, `connect`, `dns`, `transport`,
    /// `circuit_open`, `cancelled`, `proxy` (no usable proxy then), and `http` with status 408, 429 or 5xx.
    public static let `default` = RetryableFailures(kinds: defaultKinds, statuses: transientStatuses)

    /// ``default`` as `--retry-failed` would spell it: `timeout,...,cancelled,http`.
    public static let defaultSpelling = (defaultKindList + [.http]).map(\.rawValue).joined(separator: ",")

    private static let defaultKindList: [ErrorKind] = [.timeout, .connect, .dns, .transport, .circuitOpen, .cancelled, .proxy]
    static let defaultKinds = Set(defaultKindList)
    static let transientStatuses: Set<Int> = Set([408, 429] + Array(500...599))

    public init(kinds: Set<ErrorKind>, statuses: Set<Int>) {
        self.kinds = kinds
        self.statuses = statuses
    }

    /// Parses `--retry-failed=KINDS`: a comma-separated list of error kinds and HTTP
    /// statuses. `http` stands for 408, 429 and 5xx; a status such as `404` adds that one;
    /// `default` is ``default``.
    ///
    /// - Returns: nil when an element is neither a known kind nor a status 400-599.
    public init?(parsing text: String) {
        var kinds: Set<ErrorKind> = []
        var statuses: Set<Int> = []
        for element in text.split(separator: ",", omittingEmptySubsequences: false) {
            let name = element.trimmingCharacters(in: " ")
            if name == "default" {
                kinds.formUnion(Self.defaultKinds)
                statuses.formUnion(Self.transientStatuses)
            } else if name == ErrorKind.http.rawValue {
                statuses.formUnion(Self.transientStatuses)
            } else if let status = Int(name), (400...599).contains(status) {
                statuses.insert(status)
            } else if ErrorKind(rawValue: name).isKnown {
                kinds.insert(ErrorKind(rawValue: name))
            } else {
                return nil
            }
        }
        self.init(kinds: kinds, statuses: statuses)
    }

    /// Whether a record with this error kind and status is fetched again.
    public func matches(kind: ErrorKind, status: Int?) -> Bool {
        if kind == .http { return status.map(statuses.contains) ?? false }
        return kinds.contains(kind)
    }
}
