/// The `resolve:` links between api jobs: which job takes its path values from which.
///
/// Every question about a job's parent chain goes through this one value, so the chain is
/// walked one way everywhere: the file's check (``check()``), the jobs `scrape api` adds
/// or reads back for a selection (``parents(for:readingBack:)``), the ancestors the daemon
/// fetches again for a child (``ancestors(of:)``) and the parent/child wiring of one run
/// (`APIRunner`). A parent is found by name among the jobs given (the first of that name),
/// and only an api job can be one; a walk never goes round a cycle.
public struct JobLineage: Sendable {
    private let jobs: [ScrapeConfiguration.Job]
    private let indexByName: [String: Int]

    /// The links between `jobs` (a config file's, or the jobs of one run).
    public init(_ jobs: [ScrapeConfiguration.Job]) {
        self.jobs = jobs
        indexByName = Dictionary(jobs.enumerated().map { ($1.name, $0) }, uniquingKeysWith: { first, _ in first })
    }

    /// The name of the job that job `index` takes `resolve:` values from, whether or not it
    /// is among these jobs.
    public func parentName(of index: Int) -> String? {
        guard case .api(let api) = jobs[index].source else { return nil }
        return api.parentJob
    }

    /// The index of the api job that job `index` takes `resolve:` values from; nil when it
    /// has none, or its parent is not an api job among these.
    public func parent(of index: Int) -> Int? {
        guard let name = parentName(of: index), let parent = indexByName[name], case .api = jobs[parent].source else { return nil }
        return parent
    }

    /// The jobs that take `resolve:` values from job `index`, in order.
    public func children(of index: Int) -> [Int] {
        jobs.indices.filter { parent(of: $0) == index }
    }

    /// Job `index`'s parent, the parent's parent and so on, nearest first; it stops before
    /// a job already met (a cycle, which a checked file has not).
    public func ancestors(of index: Int) -> [Int] {
        walk(from: index).ancestors
    }

    /// What `scrape api` runs for `selected`: the jobs to add, because a selected job (or an
    /// added one) needs their records and they are not selected, and the parents to read
    /// back from their outputs instead (`--from-output`, `readingBack`), whose own parents
    /// are then not needed. Both in the order they are first needed, breadth first.
    public func parents(for selected: [Int], readingBack: Bool) -> (added: [Int], readBack: [Int]) {
        var running = selected
        var readBack: [Int] = []
        var position = 0
        while position < running.count {
            if let parent = parent(of: running[position]), !running.contains(parent), !readBack.contains(parent) {
                if readingBack { readBack.append(parent) } else { running.append(parent) }
            }
            position += 1
        }
        return (Array(running.dropFirst(selected.count)), readBack)
    }

    /// Checks that every `resolve:` names an api job among these and that no job is its own
    /// ancestor.
    ///
    /// - Throws: ``ConfigurationError`` at `jobs[N].api.resolve` of the first job (in file
    ///   order) whose parent is missing or not an api job, or whose chain forms a cycle.
    public func check() throws(ConfigurationError) {
        for index in jobs.indices {
            guard let name = parentName(of: index) else { continue }
            let key = "jobs[\(index)].api.resolve"
            guard parent(of: index) != nil else {
                throw ConfigurationError(key: key, message: "job \(jobs[index].name) takes values from job \(name), which is not an api job of this file")
            }
            let chain = walk(from: index)
            if let again = chain.cycleBackTo {
                let names = ([index] + chain.ancestors + [again]).map { jobs[$0].name }
                throw ConfigurationError(key: key, message: "jobs \(names.joined(separator: " -> ")) form a cycle")
            }
        }
    }

    /// The one walk up the chain: the ancestors of `index`, and the job met twice if the
    /// chain loops.
    private func walk(from index: Int) -> (ancestors: [Int], cycleBackTo: Int?) {
        var ancestors: [Int] = []
        var current = index
        while let next = parent(of: current) {
            if next == index || ancestors.contains(next) { return (ancestors, next) }
            ancestors.append(next)
            current = next
        }
        return (ancestors, nil)
    }
}
