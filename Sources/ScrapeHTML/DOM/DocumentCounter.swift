import Synchronization

/// Counts the trees built from response bodies by a task and its child tasks: a statistic
/// for tests that prove a page is parsed once (issue 30: "a page with fields costs at most
/// the tree build plus the selectors"), as the HTTP client's `Statistics` prove handles are
/// reused.
///
/// Counted where a body becomes a tree (``HTMLDocument/parse(body:contentType:)``, each
/// build: a late `<meta charset>` that changes the encoding builds a second one), so a
/// second parse anywhere on a page's path shows, whoever calls it. A task-local, not a
/// global: tests run in parallel in one process, and each counts only its own work (child
/// tasks, a run's scheduler and pipeline included, inherit it). Unset, as in every real
/// run, counting costs one task-local read per page.
public final class DocumentCounter: Sendable {
    private let built = Atomic<Int>(0)

    public init() {}

    /// Trees built so far.
    public var documentsBuilt: Int { built.load(ordering: .relaxed) }

    /// The counter of the current task, if it has one.
    @TaskLocal public static var current: DocumentCounter?

    /// Counts one tree build on the current task's counter, if any.
    static func countBuild() {
        current?.built.add(1, ordering: .relaxed)
    }
}
