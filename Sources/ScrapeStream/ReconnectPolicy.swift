public import ScrapeResilience
import ScrapeBase
import ScrapeCore

/// When a stream reconnects, and when it ends: a pure decision over how the last
/// connection ended and how many attempts in a row have failed, so every rule is a unit
/// test. Delays are exponential backoff with jitter (`http.backoff`), or the server's
/// `Retry-After` on a 429/503 handshake answer. ``FailureStreak`` keeps the count on a clock.
public struct ReconnectPolicy: Sendable, Equatable {
    /// How many failures in a row the stream survives.
    public enum Limit: Sendable, Equatable {
        /// `--no-reconnect`: the first close ends the run.
        case never
        /// `--reconnect N`: give up after N reconnects in a row without a stable connection.
        case attempts(Int)
        /// A daemon `ws:` job: reconnect whatever happens, until the daemon stops.
        case forever
    }

    /// What to do after a connection ended.
    public enum Decision: Sendable, Equatable {
        case reconnect(after: Duration)
        case finish(StreamExit)
    }

    public var limit: Limit
    public var backoff: Backoff
    /// The longest `Retry-After` honoured, so a bad header cannot park a stream for days.
    public var maxRetryAfter: Duration
    /// How long a connection must stay open, delivering messages, before its end starts a
    /// fresh count and backoff. Default 10 s: a server that accepts, says one thing and
    /// hangs up sooner meets a growing backoff instead of a reconnect every half second,
    /// and resets alone allow at most one connection per 10 s; yet a stream that ran for
    /// a while and then broke comes back within half a second.
    public var stableAfter: Duration

    public init(limit: Limit, backoff: Backoff, maxRetryAfter: Duration = .seconds(3600), stableAfter: Duration = .seconds(10)) {
        self.limit = limit
        self.backoff = backoff
        self.maxRetryAfter = maxRetryAfter
        self.stableAfter = stableAfter
    }

    /// Close codes after which a server expects clients back: going away (1001), internal
    /// error (1011), service restart (1012), try again later (1013), bad gateway (1014).
    static let reconnectCodes: Set<UInt16> = [1001, 1011, 1012, 1013, 1014]
    /// Handshake statuses that another attempt will not change.
    static let permanentStatuses: Set<Int> = [401, 403, 404]

    /// - Parameters:
    ///   - end: how the last connection ended.
    ///   - failures: failed connections in a row, this one included (1 after the first).
    public func decide(_ end: ConnectionEnd, failures: Int, using random: inout some RandomNumberGenerator) -> Decision {
        switch end {
        case .stopped:
            return .finish(.success)
        case .outputFailed(let error):
            return .finish(error.kind == .closedPipe ? .closedPipe : .outputFailed(error.description))
        default:
            break
        }
        if limit == .never {
            if case .closedByServer(CloseCode.normal, _) = end { return .finish(.success) }
            return .finish(.failure(end.description))
        }
        if limit != .forever {
            switch end {
            case .closedByServer(let code, _) where code == CloseCode.normal:
                return .finish(.success)
            case .closedByServer(let code, _) where !Self.reconnectCodes.contains(code):
                return .finish(.failure(end.description))
            case .refused(let status, _, _) where Self.permanentStatuses.contains(status):
                return .finish(.failure(end.description))
            default:
                break
            }
            if case .attempts(let allowed) = limit, failures > allowed {
                return .finish(.failure("gave up after \(allowed) reconnect attempt\(allowed == 1 ? "" : "s"); last: \(end.description)"))
            }
        }
        if case .refused(429, _, let retryAfter?) = end { return .reconnect(after: min(retryAfter, maxRetryAfter)) }
        if case .refused(503, _, let retryAfter?) = end { return .reconnect(after: min(retryAfter, maxRetryAfter)) }
        return .reconnect(after: delay(afterFailures: failures, using: &random))
    }

    /// The backoff's doubling ceiling with "equal jitter": uniform in [ceiling/2, ceiling].
    ///
    /// Not the full jitter of HTTP retries ([0, ceiling]): a stream reconnects on its own,
    /// without end, and draws near zero again and again would let it hammer a server that
    /// hangs up at once. The floor makes the pace certain: with the default backoff, at
    /// most 7 connections in the first 20 s, whatever `--reconnect` is.
    func delay(afterFailures failures: Int, using random: inout some RandomNumberGenerator) -> Duration {
        let ceiling = backoff.ceiling(afterAttempt: failures)
        let half = ceiling / 2
        let spread = (ceiling - half).inNanoseconds
        guard spread > 0 else { return half }
        return half + .nanoseconds(Int64.random(in: 0...spread, using: &random))
    }

    /// Whether a connection that ended counts as a success, which starts a fresh count and
    /// backoff: it stayed open for ``stableAfter`` and delivered at least one message.
    ///
    /// Messages alone are not enough: a server that sends one and hangs up would reset the
    /// count every time (issue 24: 87 connections in 20 s, and `--reconnect 2` no limit at
    /// all). Time alone is not enough either: a connection silent until the idle timeout
    /// is a failure.
    ///
    /// - Parameter openFor: how long it was open after its handshake; nil if it never opened.
    public func isStable(openFor: Duration?, delivered: Bool) -> Bool {
        guard delivered, let openFor else { return false }
        return openFor >= stableAfter
    }
}

/// How a stream run ended, for the exit status and the summary.
public enum StreamExit: Sendable, Equatable {
    /// Asked-for end: `--max-messages`, `--duration`, a close 1000, a stop request.
    case success
    /// The stream could not go on (exit 1): a permanent refusal, the budget spent, a close
    /// code that means "do not come back".
    case failure(String)
    /// The output cannot be written (exit 1).
    case outputFailed(String)
    /// The reader of the output pipe went away (`scrape ws URL | head -1`): the normal end
    /// of such a pipeline, exit 141 without a word, as `cat` does.
    case closedPipe
}
