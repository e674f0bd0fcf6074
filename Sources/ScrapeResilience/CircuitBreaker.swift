/// A per-host circuit breaker: closed → open after `failureThreshold` consecutive
/// failures; open rejects at once; after the cooldown, half-open lets `probes` requests
/// through; a probe's success closes it, a failure reopens it with a doubled cooldown,
/// capped at `maximumCooldown`.
///
/// A value type that decides: ``permission(at:)`` before dispatch, ``record(_:at:)`` after
/// the outcome. Each returns what changed, so the caller can log it with the host.
public struct CircuitBreaker<Instant: InstantProtocol>: Sendable where Instant.Duration == Duration {
    /// Thresholds and cooldowns.
    public struct Configuration: Sendable, Equatable {
        /// Consecutive failures that open the breaker. Default 5.
        public var failureThreshold: Int = 5
        /// The first cooldown. Default 30 s.
        public var cooldown: Duration = .seconds(30)
        /// The longest cooldown after repeated failed probes. Default 10 min.
        public var maximumCooldown: Duration = .seconds(600)
        /// Requests allowed at once while half-open. Default 1.
        public var probes: Int = 1

        public init(failureThreshold: Int = 5, cooldown: Duration = .seconds(30), maximumCooldown: Duration = .seconds(600), probes: Int = 1) {
            self.failureThreshold = max(1, failureThreshold)
            self.cooldown = cooldown
            self.maximumCooldown = max(cooldown, maximumCooldown)
            self.probes = max(1, probes)
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
        /// Do not send it: fail it now (the host is considered down until then).
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
            return .opened(cooldown: configuration.cooldown)
        case .halfOpen(_, let cooldown):
            guard failed else {
                state = .closed(consecutiveFailures: 0)
                return .closed
            }
            let longer = min(cooldown * 2, configuration.maximumCooldown)
            state = .open(until: now.advanced(by: longer), cooldown: longer)
            return .opened(cooldown: longer)
        case .open:
            return nil  // a request that was already in flight when it opened
        }
    }

    /// Whether the breaker holds nothing worth remembering (closed, no failures counted).
    public var isPristine: Bool { state == .closed(consecutiveFailures: 0) }
}
