import ScrapeBase

/// One host's concurrency limit, adapted from what the host shows (`per_host_concurrency:
/// auto`): how long it takes to start answering, and whether it pushes back.
///
/// The model is TCP Vegas as Netflix's concurrency-limits applies it to requests, with
/// TCP's slow start in front and AIMD's multiplicative decrease on overload:
///
/// - The **baseline** is the lowest time to first byte seen lately (the minimum of the
///   last two windows of ``Configuration/window`` answers), the host's answer time when
///   nothing waits in its queue. It ages so a host that became slower for good is
///   re-learnt, but slowly enough that our own queueing never becomes the baseline.
/// - From the limit `L`, the **smoothed** answer time `S` (an EWMA) and the baseline `B`,
///   `queued = L × (1 − B / S)` estimates how many of our requests wait inside the host
///   (Little's law: at `L` in flight and `S` per answer the host serves `L / S` a second,
///   which at its unloaded speed needs only `L × B / S` in flight).
/// - While `queued` is below `alpha` (`max(1, L / 10)`) and the host had work waiting
///   for a slot (the limit, not the input, held it back), the limit grows: by 1 per
///   answer at first (doubling each round trip, to find a fast host's size quickly), and
///   after the first sign of queueing by `1 / L` per answer (about 1 per round trip).
///   Between `alpha` and `beta` (`max(1.5, L / 5)`) it holds; above `beta` it shrinks by
///   `1 / L` per answer; far above (`2 beta`) it falls at once to the unqueued estimate
///   `L × B / S + alpha`.
/// - An answer that says "too much" (429, 503 and the other retryable failures:
///   timeouts, resets, 502, 504) halves it.
///
/// Decreases happen at most once per smoothed answer time, so one burst of slow or failed
/// answers to requests sent under the old limit counts once. The limit stays within 1 and
/// the ceiling. Scrapy's AutoThrottle aims at a latency target the user must guess, and
/// Crawlee's AutoscaledPool scales on the client's CPU and memory: neither sees the host
/// queueing, which is what this measures.
///
/// A value type that decides, as ``CircuitBreaker`` does: the scheduler asks ``limit``
/// before dispatch and calls ``record(_:saturated:at:)`` after each answer.
public struct AdaptiveLimit<Instant: InstantProtocol>: Sendable where Instant.Duration == Duration {
    public typealias Configuration = AdaptiveLimitConfiguration

    /// What one answer says about the host.
    public enum Signal: Sendable, Equatable {
        /// A successful answer that took `latency` to its first byte.
        case answered(latency: Duration)
        /// The host pushed back or failed under load: 429, 503, a timeout, a reset.
        case overloaded
    }

    public let configuration: Configuration
    /// The limit, as a real number: growth by `1 / L` per answer needs the fractions.
    private var value: Double
    /// Whether no sign of queueing has been seen yet (growth by 1 per answer).
    private var slowStart = true
    /// The baseline: the lowest first-byte time of the previous and the current window.
    private var previousWindowMinimum: Duration?
    private var windowMinimum: Duration?
    private var windowCount = 0
    /// The EWMA of first-byte times, in seconds.
    private var smoothed: Double?
    private var lastDecrease: Instant?

    public init(configuration: Configuration = Configuration()) {
        self.configuration = configuration
        self.value = Double(configuration.initial)
    }

    /// Requests the host may have in flight now.
    public var limit: Int { Int(value) }

    /// Whether nothing has been learnt, so forgetting it changes nothing.
    public var isPristine: Bool { smoothed == nil && lastDecrease == nil }

    /// The first-byte time of an unloaded host, as learnt so far.
    public var baseline: Duration? {
        switch (previousWindowMinimum, windowMinimum) {
        case (let previous?, let current?): min(previous, current)
        case (let previous?, nil): previous
        case (nil, let current): current
        }
    }

    /// Feeds one answer. `saturated`: the host had work waiting for a slot when it came,
    /// so the limit (not the input, a rate or the run's own concurrency) held it back;
    /// only then may the limit grow. Returns whether ``limit`` changed.
    @discardableResult
    public mutating func record(_ signal: Signal, saturated: Bool, at now: Instant) -> Bool {
        let before = limit
        switch signal {
        case .overloaded:
            if mayDecrease(at: now) { decrease(to: value / 2, at: now) }
        case .answered(let latency):
            learn(latency)
            adjust(saturated: saturated, at: now)
        }
        return limit != before
    }

    private mutating func learn(_ latency: Duration) {
        windowMinimum = windowMinimum.map { min($0, latency) } ?? latency
        windowCount += 1
        if windowCount >= configuration.window {
            previousWindowMinimum = windowMinimum
            windowMinimum = nil
            windowCount = 0
        }
        let seconds = latency.inSeconds
        smoothed = smoothed.map { $0 + (seconds - $0) * 0.2 } ?? seconds
    }

    private mutating func adjust(saturated: Bool, at now: Instant) {
        guard let baseline = baseline?.inSeconds, let smoothed, smoothed > 0 else { return }
        let queued = value * max(0, 1 - baseline / smoothed)
        let alpha = max(1, value / 10)
        let beta = max(1.5, value / 5)
        if queued < alpha {
            guard saturated else { return }
            value = min(Double(configuration.ceiling), value + (slowStart ? 1 : 1 / value))
        } else if queued > 2 * beta {
            if mayDecrease(at: now) { decrease(to: value * baseline / smoothed + alpha, at: now) }
        } else if queued > beta {
            slowStart = false
            value = max(1, value - 1 / value)
        } else {
            slowStart = false
        }
    }

    /// At most one decrease per smoothed answer time.
    private func mayDecrease(at now: Instant) -> Bool {
        guard let lastDecrease else { return true }
        let interval = Duration.seconds(smoothed ?? 0)
        return lastDecrease.advanced(by: interval) <= now
    }

    private mutating func decrease(to newValue: Double, at now: Instant) {
        slowStart = false
        value = min(value, max(1, newValue))
        lastDecrease = now
    }
}

/// Where an ``AdaptiveLimit`` starts and how far it may go (not generic, so a
/// configuration struct can hold it whatever the clock).
public struct AdaptiveLimitConfiguration: Sendable, Equatable {
    /// Requests in flight before anything is known. Default 2.
    public var initial: Int
    /// The most it may reach. Default 16 (`auto`), or N from `auto:N`.
    public var ceiling: Int
    /// Answers per baseline window. Default 250.
    public var window: Int

    public init(initial: Int = 2, ceiling: Int = 16, window: Int = 250) {
        self.ceiling = max(1, ceiling)
        self.initial = min(max(1, initial), self.ceiling)
        self.window = max(1, window)
    }
}
