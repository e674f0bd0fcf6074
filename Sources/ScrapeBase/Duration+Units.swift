extension Duration {
    /// The duration in seconds as a `Double`, for rates and reports.
    @inlinable
    public var inSeconds: Double {
        Double(components.seconds) + Double(components.attoseconds) / 1e18
    }

    /// Whole milliseconds (truncated), for records, logs and the config file's units.
    @inlinable
    public var inMilliseconds: Int64 {
        components.seconds * 1000 + components.attoseconds / 1_000_000_000_000_000
    }

    /// Whole nanoseconds (truncated), for atomics, jitter and metrics that want integers.
    @inlinable
    public var inNanoseconds: Int64 {
        components.seconds * 1_000_000_000 + components.attoseconds / 1_000_000_000
    }

    /// Whole milliseconds rounded up, so a sub-millisecond timeout is not zero (which curl
    /// reads as "no timeout"), clamped to `Int`; 0 for zero and negative durations.
    @inlinable
    public var inMillisecondsRoundedUp: Int {
        guard self > .zero else { return 0 }
        let (seconds, attoseconds) = components
        if seconds > Int64(Int.max / 1000 - 1) { return Int.max }
        let remainder: Int64 = attoseconds % 1_000_000_000_000_000 > 0 ? 1 : 0
        return Int(seconds * 1000 + attoseconds / 1_000_000_000_000_000 + remainder)
    }
}
