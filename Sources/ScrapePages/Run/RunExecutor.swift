import ScrapeCore
import ScrapeBase
import Glibc
import ScrapeHTTP

/// A task executor with its own threads that runs a scrape run's tasks in batches.
///
/// Every request of a run is a child task that suspends on its transfer and is resumed
/// from curl's I/O thread. On the global executor each resume is a dispatch enqueue that
/// often has to wake a parked worker thread (a futex call and a context switch); a
/// profile put that at ~10 µs per request, as much as the whole CPU difference to curl.
/// Here resumed tasks queue up while the threads are busy and are taken in batches; a
/// thread sleeps only when there is nothing at all to do, and is woken only then.
///
/// One thread per core but one (curl's I/O thread has that one), at least one: title
/// extraction still runs in parallel on bigger machines. Measured against the global
/// executor in docs/benchmarks.md, "Measured choices".
///
/// One executor serves the whole process (``shared``) and its threads live as long as it:
/// a task that outlives its run (a robots.txt fetch another run shares) must always find
/// a thread to run on, and idle threads only sleep.
final class RunExecutor: TaskExecutor, @unchecked Sendable {
    /// The process's executor, started on first use; nil when no thread could be started
    /// (runs then stay on the global executor).
    static let shared: RunExecutor? = {
        let executor = RunExecutor()
        return executor.start() ? executor : nil
    }()

    private let mutex = UnsafeMutablePointer<pthread_mutex_t>.allocate(capacity: 1)
    private let condition = UnsafeMutablePointer<pthread_cond_t>.allocate(capacity: 1)
    private let threadCount: Int
    // Guarded by `mutex`.
    private var queue: [UnownedJob] = []
    private var head = 0
    private var sleeping = 0

    /// - Parameter threads: nil for one per online core but one, at least one.
    init(threads: Int? = nil) {
        threadCount = max(1, threads ?? (sysconf(Int32(_SC_NPROCESSORS_ONLN)) - 1))
        pthread_mutex_init(mutex, nil)
        pthread_cond_init(condition, nil)
    }

    /// Starts the threads; false when none can be created.
    func start() -> Bool {
        var started = 0
        for _ in 0..<threadCount where IOThread.spawn({ [self] in loop() }) { started += 1 }
        return started > 0
    }

    func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        pthread_mutex_lock(mutex)
        queue.append(job)
        let wake = sleeping > 0
        pthread_mutex_unlock(mutex)
        if wake { pthread_cond_signal(condition) }
    }

    private func loop() {
        var batch: [UnownedJob] = []
        let executor = asUnownedTaskExecutor()
        while true {
            pthread_mutex_lock(mutex)
            while head == queue.count {
                sleeping += 1
                pthread_cond_wait(condition, mutex)
                sleeping -= 1
            }
            // A fair share of what is waiting, so the other threads get work too.
            let take = max(1, (queue.count - head) / threadCount)
            batch.append(contentsOf: queue[head..<(head + take)])
            head += take
            if head == queue.count {
                queue.removeAll(keepingCapacity: true)
                head = 0
            }
            pthread_mutex_unlock(mutex)
            for job in batch { job.runSynchronously(on: executor) }
            batch.removeAll(keepingCapacity: true)
        }
    }
}
