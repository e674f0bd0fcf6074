import ScrapeCore

/// The order of the run queue, and its one rule against starvation.
///
/// Queued runs are ordered (docs/daemon.md, "Priorities and overlap"):
/// 1. higher effective priority first: the job's `priority`, plus 1 for each whole period
///    the run has waited since it became due, the period being the job's `every` (an hour
///    for jobs without `every:`, which run only when asked). A run that waits longer than
///    its period so overtakes newer runs of the next priority up, and, having waited long
///    enough, any run: nothing starves while runs end;
/// 2. the earlier due first (a scheduled run's turn, a trigger's moment);
/// 3. the earlier job in the config file first.
///
/// A free slot goes to the first run in this order whose job is not running: a run queued
/// behind its own job's run (`overlap: queue`) keeps its place but is passed over until
/// that run ends. The order depends on the time (waiting raises priority), so positions
/// are computed when asked, never stored.
extension JobTable {
    /// The period by which runs of jobs without `every:` age: an hour.
    static var unscheduledAgingPeriod: Duration { .seconds(3600) }

    /// The priority `run` of `job` has at `now`: `priority` + whole periods waited since due.
    static func effectivePriority(of run: QueuedRun, job: ScrapeConfiguration.Job, now: Instant) -> Int {
        let period = job.every ?? unscheduledAgingPeriod
        let waited = run.due.duration(to: now)
        guard period > .zero, waited >= period else { return job.priority }
        // Capped far above any real wait, so the conversion and the sum cannot overflow.
        let periods = Int(min(waited / period, 1e12))
        let (sum, overflow) = job.priority.addingReportingOverflow(periods)
        return overflow ? Int.max : sum
    }

    /// The indices of the entries with a queued run, in the order the runs would start.
    func queueOrder(now: Instant) -> [Int] {
        let keyed = entries.indices.compactMap { index -> (index: Int, priority: Int, due: Instant)? in
            guard let run = entries[index].queued else { return nil }
            return (index, Self.effectivePriority(of: run, job: entries[index].job, now: now), run.due)
        }
        return keyed.sorted { a, b in
            if a.priority != b.priority { return a.priority > b.priority }
            if a.due != b.due { return a.due < b.due }
            return a.index < b.index
        }.map { $0.index }
    }

    /// The queued runs in order: `position` 1 starts at the next free slot.
    func queue(now: Instant) -> [(id: String, job: String, position: Int, priority: Int)] {
        queueOrder(now: now).enumerated().compactMap { offset, index in
            let entry = entries[index]
            guard let run = entry.queued else { return nil }
            return (run.id, entry.job.name, offset + 1, Self.effectivePriority(of: run, job: entry.job, now: now))
        }
    }
}
