/// A per-origin circuit breaker: closed → open after `failureThreshold` consecutive
/// failures of the server (connect errors, timeouts, resets, 5xx: evidence about the
/// server, not about one URL, as Envoy's consecutive-5xx outlier detection counts); open
/// holds requests back; after the cooldown, half-open lets `probes` requests through; a
/// probe's success closes it, a failure reopens it with a doubled cooldown (Envoy's
/// growing ejection time), capped at `maximumCooldown`.
///
/// While open, the caller keeps the origin's requests waiting rather than failing them:
/// only when the origin has stayed broken (open or probing, never closed) for
/// `giveUpAfter` does ``shouldGiveUp(at:)`` say to fail what is left, so a server that
/// recovers within that time loses no URL.
///
/// A value type that decides: ``permission(at:)`` before dispatch, ``record(_:at:)`` after
/// the outcome. Each returns what changed, so the caller can log it with the origin.
public struct CircuitBreaker<Instant: InstantProtocol>: Sendable where Instant.Duration == Duration {
    /// Thresholds and cooldowns.
    public struct Configuration: Sendable, Equatable {
        /// Consecutive failures that open the breaker.
        public var failureThreshold: Int
        /// The first cooldown.
        public var cooldown: Duration
        /// The longest cooldown after repeated failed probes.
        public var maximumCooldown: Duration
        /// Requests allowed at once while half-open.
        public var probes: Int
        /// How long an origin may stay broken before its waiting requests are failed.
        public var giveUpAfter: Duration

        /// Defaults: open after 5 consecutive failures, first cooldown 30 s, doubling up to
        /// 10 min, one probe; give up after 5 min broken: long enough for a restart or a
        /// deploy, short enough that a dead host does not hold a run for ever.
        public init(
            failureThreshold: Int = 5, cooldown: Duration = .seconds(30), maximumCooldown: Duration = .seconds(600), probes: Int = 1,
            giveUpAfter: Duration = .seconds(300)
        ) {
            self.failureThreshold = max(1, failureThreshold)
            self.cooldown = cooldown
            self.maximumCooldown = max(cooldown, maximumCooldown)
            self.probes = max(1, probes)
            self.giveUpAfter = max(.zero, giveUpAfter)
        }
    }

    /// Where the breaker is.
    public enum State: Sendable, Equatable {
        case closed(consecutiveFailures: Int)
        case open(until: Instant, cooldown: Duration)
        case halfOpen(probesInFlight: Int, cooldown: Duration)
    }

    /// What the caller may do with the next request.
    public enum Permission: Sendable, Equatable {
        /// Send it.
        case allowed
        /// Do not send it before then: the origin is considered down until then.
        case rejected(until: Instant)
        /// Keep it queued: the half-open probes are out; their outcome decides.
        case wait
    }

    /// A state change worth logging.
    public enum Transition: Sendable, Equatable {
        case opened(cooldown: Duration)
        case halfOpened
        case closed
    }

    public let configuration: Configuration
    public private(set) var state: State = .closed(consecutiveFailures: 0)
    /// When the breaker last opened from closed; nil while closed.
    public private(set) var brokenSince: Instant?

    public init(configuration: Configuration) {
        self.configuration = configuration
    }

    /// Whether a request may go now. Moving from open to half-open happens here, and
    /// `allowed` while half-open counts the request as a probe in flight.
    public mutating func permission(at now: Instant) -> (Permission, Transition?) {
        switch state {
        case .closed:
            return (.allowed, nil)
        case .open(let until, let cooldown):
            guard now >= until else { return (.rejected(until: until), nil) }
            state = .halfOpen(probesInFlight: 1, cooldown: cooldown)
            return (.allowed, .halfOpened)
        case .halfOpen(let probes, let cooldown):
            guard probes < configuration.probes else { return (.wait, nil) }
            state = .halfOpen(probesInFlight: probes + 1, cooldown: cooldown)
            return (.allowed, nil)
        }
    }

    /// Feeds one attempt's outcome back.
    public mutating func record(_ outcome: AttemptOutcome, at now: Instant) -> Transition? {
        let failed: Bool
        switch outcome {
        case .success: failed = false
        case .failure: failed = true
        case .neutral, .throttled:
            if case .halfOpen(let probes, let cooldown) = state {
                state = .halfOpen(probesInFlight: max(0, probes - 1), cooldown: cooldown)
            }
            return nil
        }
        switch state {
        case .closed(let failures):
            guard failed else {
                state = .closed(consecutiveFailures: 0)
                return nil
            }
            guard failures + 1 >= configuration.failureThreshold else {
                state = .closed(consecutiveFailures: failures + 1)
                return nil
            }
            state = .open(until: now.advanced(by: configuration.cooldown), cooldown: configuration.cooldown)
            brokenSince = now
            return .opened(cooldown: configuration.cooldown)
        case .halfOpen(_, let cooldown):
            guard failed else {
                state = .closed(consecutiveFailures: 0)
                brokenSince = nil
                return .closed
            }
            let longer = min(cooldown * 2, configuration.maximumCooldown)
            state = .open(until: now.advanced(by: longer), cooldown: longer)
            return .opened(cooldown: longer)
        case .open:
            return nil  // a request that was already in flight when it opened
        }
    }

    /// Whether the origin has been broken for ``Configuration/giveUpAfter`` and is open
    /// now: the waiting requests are to be failed (`circuit_open`), not kept.
    public func shouldGiveUp(at now: Instant) -> Bool {
        guard case .open = state, let brokenSince else { return false }
        return brokenSince.advanced(by: configuration.giveUpAfter) <= now
    }

    /// When ``shouldGiveUp(at:)`` turns true if nothing changes; nil while closed.
    public var giveUpInstant: Instant? { brokenSince?.advanced(by: configuration.giveUpAfter) }

    /// Whether the breaker holds nothing worth remembering (closed, no failures counted).
    public var isPristine: Bool { state == .closed(consecutiveFailures: 0) }
}
