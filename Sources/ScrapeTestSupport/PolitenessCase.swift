/// The circuit-breaker and per-host spacing rules, written once as timed cases that run
/// against both implementations: `scrape run`'s (`HostQueues` over `CircuitBreaker` and
/// `TokenBucket`, in ScrapeCoreTests) and the fleet's (`scrape.claim` and `scrape.finish`
/// in PostgreSQL, in ScrapeFrontierTests).
///
/// A case is one host and a list of events at `t` milliseconds: a question ("may request
/// `x` go?") with the answer expected, or the outcome of a request that went. Requests
/// are named by the question that let them go. An answer is the same for both
/// implementations unless the event names two (`run:` and `fleet:`); such a case says why
/// in ``difference``, and the two drivers then hold each implementation to its own
/// answer, so a change to either shows here.
public struct PolitenessCase: Sendable, CustomStringConvertible {
    /// The two implementations.
    public enum Implementation: String, Sendable, CaseIterable {
        /// `scrape run`: HostQueues on a mock clock.
        case run
        /// The fleet: the claim and finish functions in PostgreSQL, on a mock database clock.
        case fleet
    }

    /// The answer to "may this request go?".
    public enum Answer: Sendable, Equatable, CustomStringConvertible {
        /// It goes now.
        case go
        /// It goes at this instant (ms), its slot on the host's timeline (per-host rate or Crawl-delay).
        case goAt(Int)
        /// It goes now as the half-open breaker's one probe.
        case probe
        /// The breaker is open: nothing goes before this instant (ms).
        case refused(until: Int)
        /// The probe is out: nothing goes until its outcome.
        case wait
        /// It is failed without a request (`circuit_open`): the host stayed broken past give_up_after.
        case giveUp

        public var description: String {
            switch self {
            case .go: "go"
            case .goAt(let t): "go at \(t)"
            case .probe: "probe"
            case .refused(let until): "refused until \(until)"
            case .wait: "wait"
            case .giveUp: "give up"
            }
        }
    }

    /// What a request that went came to, as the breaker sees it.
    public enum Outcome: Sendable, Equatable {
        /// The host answered (2xx, 3xx, most 4xx).
        case success
        /// The host failed (connect error, timeout, 5xx).
        case failure
        /// The host answered 429: slow down.
        case throttled
    }

    /// One event of a case.
    public struct Event: Sendable {
        /// A question or an outcome.
        public enum Kind: Sendable {
            /// "May `request` go now?", with the answer each implementation should give.
            case ask(run: Answer, fleet: Answer)
            /// `request` finished; `crawlDelay` (ms): the host's robots.txt asked for that spacing.
            case outcome(Outcome, crawlDelay: Int?)
        }

        /// The request asked about or finished.
        public let request: String
        /// Milliseconds since the case began.
        public let t: Int
        /// What happens.
        public let kind: Kind

        /// The answer `implementation` should give, for a question.
        public func answer(of implementation: Implementation) -> Answer? {
            guard case .ask(let run, let fleet) = kind else { return nil }
            return implementation == .run ? run : fleet
        }

        /// Both answer `answer`.
        public static func ask(_ request: String, at t: Int, _ answer: Answer) -> Event {
            Event(request: request, t: t, kind: .ask(run: answer, fleet: answer))
        }

        /// The implementations answer differently (the case's ``PolitenessCase/difference`` says why).
        public static func ask(_ request: String, at t: Int, run: Answer, fleet: Answer) -> Event {
            Event(request: request, t: t, kind: .ask(run: run, fleet: fleet))
        }

        /// `request` succeeded; its robots.txt asked for `crawlDelay` ms between requests, if given.
        public static func succeed(_ request: String, at t: Int, crawlDelay: Int? = nil) -> Event {
            Event(request: request, t: t, kind: .outcome(.success, crawlDelay: crawlDelay))
        }

        /// `request` failed.
        public static func fail(_ request: String, at t: Int) -> Event {
            Event(request: request, t: t, kind: .outcome(.failure, crawlDelay: nil))
        }

        /// `request` was answered 429.
        public static func throttle(_ request: String, at t: Int) -> Event {
            Event(request: request, t: t, kind: .outcome(.throttled, crawlDelay: nil))
        }
    }

    /// The host's politeness settings; durations in milliseconds.
    public struct Settings: Sendable {
        /// Consecutive failures that open the breaker.
        public var failureThreshold = 3
        /// The first cooldown.
        public var cooldown = 1000
        /// The longest cooldown after failed probes.
        public var maximumCooldown = 4000
        /// How long the host may stay broken before its waiting requests are failed.
        public var giveUpAfter = 60_000
        /// Requests per second to the host; nil: no spacing.
        public var perHostRate: Double?
        /// Requests in flight at once to the host.
        public var concurrency = 8

        /// The defaults the cases share; a case states only what it changes.
        public init(
            failureThreshold: Int = 3, cooldown: Int = 1000, maximumCooldown: Int = 4000, giveUpAfter: Int = 60_000,
            perHostRate: Double? = nil, concurrency: Int = 8
        ) {
            self.failureThreshold = failureThreshold
            self.cooldown = cooldown
            self.maximumCooldown = maximumCooldown
            self.giveUpAfter = giveUpAfter
            self.perHostRate = perHostRate
            self.concurrency = concurrency
        }
    }

    /// The rule, as a sentence.
    public let name: String
    /// The host's settings.
    public let settings: Settings
    /// What happens, in time order.
    public let events: [Event]
    /// Why the implementations answer differently; nil when they agree.
    public let difference: String?

    /// A case named after its rule.
    public init(_ name: String, settings: Settings = .init(), difference: String? = nil, _ events: [Event]) {
        self.name = name
        self.settings = settings
        self.difference = difference
        self.events = events
    }

    public var description: String { name }
}
