/// Where a run is: the `state` of `GET /runs/{id}`, the `outcome` of a job's last run in
/// `GET /jobs` and in the state file, the `outcome` label of `scrape_job_runs_total`.
enum RunState: String, Codable, Sendable {
    case queued
    case running
    /// Ran to the end (its records may include failed URLs).
    case succeeded
    /// Could not run or stopped on an error; `message` says why.
    case failed
    /// Stopped by a shutdown; the next start resumes it.
    case interrupted
    /// Queued and never started: the daemon began to stop (or a reload removed its job)
    /// first. It wrote nothing, so nothing resumes it; `message` says why.
    case cancelled
}

/// What a run came from: a config file job or a list posted to `/scrape` (or dropped in the inbox).
enum RunKind: String, Codable, Sendable {
    case job
    case inbox
}
