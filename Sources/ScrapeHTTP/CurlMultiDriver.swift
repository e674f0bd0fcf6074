internal import CCurl
import ScrapeBase
import Synchronization
import Glibc

/// Owns one curl multi handle and the I/O thread that drives it.
///
/// It speaks only in "add transfer", "abort transfer" and "transfer finished"
/// (see `Transfer.swift` for the contract). Everything that touches the multi handle
/// or an easy handle runs on its I/O thread; other threads talk to it through the
/// `Mailbox` under a lock, and wake it through an `eventfd` of its own.
///
/// curl is driven socket by socket (`curl_multi_socket_action`): curl says which
/// sockets it wants watched (``CurlSocketSet``) and when its next timer is due, the
/// loop `poll`s those and tells curl which are ready, so a turn costs curl only the
/// transfers that have something to do (why not `curl_multi_perform`: see
/// ``CurlSocketSet``).
///
/// The loop, one turn:
/// 1. Take the mailbox's new transfers and cancellations (marking the loop awake).
/// 2. Add the new transfers to the multi handle (curl sets a 0 ms timer for each);
///    remove the cancelled ones.
/// 3. If a stop was requested, leave the loop.
/// 4. If curl's timer is due, `curl_multi_socket_action(CURL_SOCKET_TIMEOUT)`: this
///    starts new transfers and enforces timeouts. Hand every finished transfer its result.
/// 5. If the mailbox is empty, mark the loop asleep and wait in `poll` (at most 1 s,
///    less when curl's timer is due); else only look. Tell curl which sockets are
///    ready, and hand finished transfers their results. Submitters wake the loop only
///    when it is marked asleep, which saves most wakeups under load.
///
/// Race handled: a submitter reads "asleep" under the lock, counts itself in
/// `wakersInFlight` there, and writes the wakeup after releasing it; the loop stops
/// accepting wakers under the same lock (phase `stopping`) and waits for that count to
/// reach zero before it closes the `eventfd`, so a wakeup never reaches a closed one. The
/// wakeup is outside the lock because it is a system call that makes the polling I/O
/// thread runnable at once: held under the lock, the woken thread spun on the lock the
/// waker still held (2% of a scrape's samples, all on the I/O thread). A wakeup sent
/// before the poll starts is not lost: the `eventfd` stays readable, and the next poll
/// returns at once.
final class CurlMultiDriver: @unchecked Sendable {
    private struct Mailbox: ~Copyable {
        enum Phase { case running, stopping, stopped }
        var phase = Phase.running
        var additions: [Transfer] = []
        var cancellations: [Transfer] = []
        var isPolling = false
        var stopWaiters: [UnsafeContinuation<Void, Never>] = []
        /// Callers of `heartbeat()` waiting for the loop's next turn.
        var heartbeats: [UnsafeContinuation<Bool, Never>] = []

        var hasWork: Bool { !additions.isEmpty || !cancellations.isEmpty || !heartbeats.isEmpty || phase == .stopping }
    }

    /// Counters read by tests and the benchmark.
    struct Statistics: Sendable {
        /// Transfers currently attached to the multi handle.
        var running = 0
        /// Easy handles ever created (the pool keeps this near the peak concurrency).
        var easyHandlesCreated = 0
    }

    /// The counters as atomics: written on hot paths, so no lock (a profile showed the
    /// lock these once had among the contended ones).
    private struct Counters: ~Copyable {
        let running = Atomic<Int>(0)
        let easyHandlesCreated = Atomic<Int>(0)
    }

    /// The `CURLM *`. I/O thread only (after `init`).
    private let multi: UnsafeMutableRawPointer
    /// The `eventfd` that wakes the loop from `poll`: any thread writes, the loop reads.
    private let wakeup: Int32
    private let mailbox = Locked(Mailbox())
    private let counters = Counters()
    /// Submitters that decided, under the mailbox lock, to wake the loop and have not yet
    /// written the wakeup (see the race note above).
    private let wakersInFlight = Atomic<Int>(0)
    private let defaults: EasyHandle.Defaults
    /// Idle easy handles kept for reuse. Transfers beyond the connection limit wait inside
    /// curl with handles of their own, so the pool is sized above `maxTotal`; without a cap it
    /// would keep the peak of a burst forever.
    private let maxIdleHandles: Int
    private let resolveList: UnsafeMutablePointer<curl_slist>?

    // I/O thread only.
    private var running: [UnsafeMutableRawPointer: Transfer] = [:]
    private var idleHandles: [EasyHandle] = []
    private var sockets: CurlSocketSet
    private var readySockets: [(socket: Int32, bits: Int32)] = []
    /// When curl next wants `CURL_SOCKET_TIMEOUT` (monotonic nanoseconds), nil for never.
    private var timerDeadline: UInt64?

    /// Creates the multi handle and starts the I/O thread.
    ///
    /// - Throws: `HTTPClientError` (`transport`) when curl cannot initialise or the thread cannot start.
    init(configuration: HTTPClient.Configuration) throws(HTTPClientError) {
        if let failure = CurlGlobal.initialization { throw .transport(failure) }
        let wakeup = ccurl_wakeup_eventfd()
        guard wakeup >= 0 else {
            throw .transport(CurlError(easy: CURLE_FAILED_INIT, operation: "eventfd for the I/O thread's wakeups"))
        }
        guard let multi = curl_multi_init() else {
            close(wakeup)
            throw .transport(CurlError(multi: CURLM_OUT_OF_MEMORY, operation: "curl_multi_init"))
        }
        self.multi = multi
        self.wakeup = wakeup
        self.sockets = CurlSocketSet(wakeup: wakeup)
        self.defaults = EasyHandle.Defaults(configuration)
        self.maxIdleHandles = max(256, 4 * configuration.connections.maxTotal)
        var list: UnsafeMutablePointer<curl_slist>?
        for entry in configuration.resolve { list = curl_slist_append(list, entry) ?? list }
        self.resolveList = list

        let limits: [(CURLMoption, Int, String)] = [
            (CURLMOPT_MAX_TOTAL_CONNECTIONS, configuration.connections.maxTotal, "CURLMOPT_MAX_TOTAL_CONNECTIONS"),
            (CURLMOPT_MAX_HOST_CONNECTIONS, configuration.connections.maxPerHost, "CURLMOPT_MAX_HOST_CONNECTIONS"),
            (CURLMOPT_MAXCONNECTS, configuration.connections.maxTotal, "CURLMOPT_MAXCONNECTS"),
        ]
        for (option, value, name) in limits {
            let code = ccurl_multi_setopt_long(multi, option, value)
            guard code == CURLM_OK else {
                Self.release(multi: multi, resolve: list, wakeup: wakeup)
                throw .transport(CurlError(multi: code, operation: "curl_multi_setopt(\(name))"))
            }
        }
        // The callbacks get the driver unretained: the I/O thread's loop holds it until
        // after `curl_multi_cleanup`, the last call that can invoke them.
        let context = Unmanaged.passUnretained(self).toOpaque()
        let callbacks: [(CURLMcode, String)] = [
            (ccurl_multi_setopt_socket_function(multi, Self.socketCallback), "CURLMOPT_SOCKETFUNCTION"),
            (ccurl_multi_setopt_pointer(multi, CURLMOPT_SOCKETDATA, context), "CURLMOPT_SOCKETDATA"),
            (ccurl_multi_setopt_timer_function(multi, Self.timerCallback), "CURLMOPT_TIMERFUNCTION"),
            (ccurl_multi_setopt_pointer(multi, CURLMOPT_TIMERDATA, context), "CURLMOPT_TIMERDATA"),
        ]
        for (code, name) in callbacks where code != CURLM_OK {
            Self.release(multi: multi, resolve: list, wakeup: wakeup)
            throw .transport(CurlError(multi: code, operation: "curl_multi_setopt(\(name))"))
        }
        guard IOThread.spawn({ [self] in self.runLoop() }) else {
            Self.release(multi: multi, resolve: list, wakeup: wakeup)
            throw .transport(CurlError(easy: CURLE_FAILED_INIT, operation: "starting the I/O thread"))
        }
    }

    // MARK: Any thread

    /// Queues a transfer for the I/O thread. Returns false when the driver is stopping or stopped.
    func submit(_ transfer: Transfer) -> Bool {
        let (accepted, wake) = mailbox.withLock { box -> (Bool, Bool) in
            guard box.phase == .running else { return (false, false) }
            box.additions.append(transfer)
            return (true, claimWakeup(&box))
        }
        if wake { sendWakeup() }
        return accepted
    }

    /// Asks the I/O thread to abort a submitted transfer whose continuation was already resumed.
    func cancel(_ transfer: Transfer) {
        let wake = mailbox.withLock { box -> Bool in
            guard box.phase == .running else { return false }
            box.cancellations.append(transfer)
            return claimWakeup(&box)
        }
        if wake { sendWakeup() }
    }

    /// Stops the loop: running and queued transfers fail with `clientShutdown`, then every
    /// handle is cleaned up on the I/O thread. Returns once that is done; idempotent.
    func shutdown() async {
        await withUnsafeContinuation { (continuation: UnsafeContinuation<Void, Never>) in
            let (alreadyStopped, wake) = mailbox.withLock { box -> (Bool, Bool) in
                if box.phase == .stopped { return (true, false) }
                box.stopWaiters.append(continuation)
                guard box.phase == .running else { return (false, false) }
                box.phase = .stopping
                box.isPolling = true  // force the wakeup below
                return (false, claimWakeup(&box))
            }
            if wake { sendWakeup() }
            if alreadyStopped { continuation.resume() }
        }
    }

    /// Returns once the I/O loop has taken a turn: true when it did, false when the driver
    /// is stopped. A wedged loop never answers, which is the point: the daemon's watchdog
    /// pings systemd only after this returns, so a stuck engine stops the pings.
    func heartbeat() async -> Bool {
        await withUnsafeContinuation { (continuation: UnsafeContinuation<Bool, Never>) in
            let (accepted, wake) = mailbox.withLock { box -> (Bool, Bool) in
                guard box.phase == .running else { return (false, false) }
                box.heartbeats.append(continuation)
                return (true, claimWakeup(&box))
            }
            if wake { sendWakeup() }
            if !accepted { continuation.resume(returning: false) }
        }
    }

    /// Requests a stop without waiting for it (for `deinit`, which cannot await).
    func requestStop() {
        let wake = mailbox.withLock { box -> Bool in
            guard box.phase == .running else { return false }
            box.phase = .stopping
            box.isPolling = true
            return claimWakeup(&box)
        }
        if wake { sendWakeup() }
    }

    /// A snapshot of the counters.
    var currentStatistics: Statistics {
        Statistics(
            running: counters.running.load(ordering: .relaxed),
            easyHandlesCreated: counters.easyHandlesCreated.load(ordering: .relaxed)
        )
    }

    /// Under the mailbox lock: whether this caller is to wake the polling loop (it is
    /// then counted in `wakersInFlight` until ``sendWakeup()`` returns).
    private func claimWakeup(_ box: inout Mailbox) -> Bool {
        guard box.isPolling else { return false }
        box.isPolling = false
        wakersInFlight.add(1, ordering: .relaxed)
        return true
    }

    /// Outside the lock, after ``claimWakeup(_:)`` said so.
    private func sendWakeup() {
        var one: UInt64 = 1
        _ = write(wakeup, &one, MemoryLayout<UInt64>.size)
        wakersInFlight.subtract(1, ordering: .releasing)
    }

    private static func release(multi: UnsafeMutableRawPointer, resolve: UnsafeMutablePointer<curl_slist>?, wakeup: Int32) {
        curl_multi_cleanup(multi)
        if let resolve { curl_slist_free_all(resolve) }
        close(wakeup)
    }
}

// MARK: - I/O thread

extension CurlMultiDriver {
    private func runLoop() {
        var active: Int32 = 0
        while true {
            var additions: [Transfer] = []
            var cancellations: [Transfer] = []
            var heartbeats: [UnsafeContinuation<Bool, Never>] = []
            let stopping = mailbox.withLock { box -> Bool in
                box.isPolling = false
                swap(&additions, &box.additions)
                swap(&cancellations, &box.cancellations)
                swap(&heartbeats, &box.heartbeats)
                return box.phase == .stopping
            }
            for heartbeat in heartbeats { heartbeat.resume(returning: !stopping) }
            for transfer in additions { begin(transfer) }
            for transfer in cancellations { abort(transfer) }
            if stopping { break }

            if let deadline = timerDeadline, deadline <= Self.monotonicNanoseconds() {
                timerDeadline = nil
                curl_multi_socket_action(multi, CURL_SOCKET_TIMEOUT, 0, &active)
                deliverFinished()
            }

            let shouldSleep = mailbox.withLock { box -> Bool in
                if box.hasWork { return false }
                box.isPolling = true
                return true
            }
            let woken = sockets.wait(timeoutMilliseconds: shouldSleep ? sleepMilliseconds() : 0, ready: &readySockets)
            if woken {
                var count: UInt64 = 0
                _ = read(wakeup, &count, MemoryLayout<UInt64>.size)
            }
            guard !readySockets.isEmpty else { continue }
            for (socket, bits) in readySockets { curl_multi_socket_action(multi, socket, bits, &active) }
            deliverFinished()
        }
        stop()
    }

    /// How long the loop may sleep: until curl's timer, at most 1 s (a stop or new work wakes it sooner).
    private func sleepMilliseconds() -> Int32 {
        guard let deadline = timerDeadline else { return 1000 }
        let now = Self.monotonicNanoseconds()
        guard deadline > now else { return 0 }
        return Int32(min(1000, (deadline - now + 999_999) / 1_000_000))
    }

    private static func monotonicNanoseconds() -> UInt64 {
        var time = timespec()
        clock_gettime(CLOCK_MONOTONIC, &time)
        return UInt64(time.tv_sec) * 1_000_000_000 + UInt64(time.tv_nsec)
    }

    /// `CURLMOPT_SOCKETFUNCTION`, on the I/O thread inside a curl call.
    private static let socketCallback: curl_socket_callback = { _, socket, what, context, _ in
        guard let context else { return 0 }
        Unmanaged<CurlMultiDriver>.fromOpaque(context).takeUnretainedValue().sockets.update(socket: socket, what: what)
        return 0
    }

    /// `CURLMOPT_TIMERFUNCTION`, on the I/O thread inside a curl call: -1 stops the timer.
    private static let timerCallback: curl_multi_timer_callback = { _, milliseconds, context in
        guard let context else { return 0 }
        let driver = Unmanaged<CurlMultiDriver>.fromOpaque(context).takeUnretainedValue()
        driver.timerDeadline = milliseconds < 0 ? nil : monotonicNanoseconds() + UInt64(milliseconds) * 1_000_000
        return 0
    }

    /// Attaches a transfer to an easy handle and the multi handle, or fails it.
    private func begin(_ transfer: Transfer) {
        guard !transfer.isFinished else { return }  // cancelled before it got here
        let handle: EasyHandle
        switch configuredHandle(for: transfer) {
        case .success(let configured): handle = configured
        case .failure(let error):
            transfer.finish(.failure(error))
            return
        }
        let code = curl_multi_add_handle(multi, handle.raw)
        guard code == CURLM_OK else {
            transfer.detach()
            recycle(handle)
            transfer.finish(.failure(.transport(CurlError(multi: code, operation: "curl_multi_add_handle"))))
            return
        }
        running[handle.raw] = transfer
        counters.running.store(running.count, ordering: .relaxed)
    }

    /// Removes a cancelled transfer from curl; its task was already resumed.
    ///
    /// The easy handle is dropped (cleaned up), not pooled: curl 7.88 keeps some state of a
    /// transfer removed mid-flight across `curl_easy_reset` (its receive buffer), and then
    /// refuses `CURLOPT_BUFFERSIZE` on the handle's next use with CURLE_BAD_FUNCTION_ARGUMENT
    /// (found by `make test-stress`). Cancellations are rare; a fresh handle costs little.
    private func abort(_ transfer: Transfer) {
        guard let handle = transfer.easy, running.removeValue(forKey: handle.raw) != nil else { return }
        curl_multi_remove_handle(multi, handle.raw)
        transfer.detach()
        counters.running.store(running.count, ordering: .relaxed)
    }

    /// Reads curl's "done" messages and completes those transfers.
    private func deliverFinished() {
        var queued: Int32 = 0
        var finished = false
        while let message = curl_multi_info_read(multi, &queued) {
            guard message.pointee.msg == CURLMSG_DONE, let raw = message.pointee.easy_handle else { continue }
            let code = ccurl_msg_result(message)  // read before the handle is removed
            guard let transfer = running.removeValue(forKey: raw), let handle = transfer.easy else {
                curl_multi_remove_handle(multi, raw)
                continue
            }
            let result = transfer.collect(result: code)
            curl_multi_remove_handle(multi, raw)
            transfer.detach()
            recycle(handle)
            transfer.finish(result)
            finished = true
        }
        if finished { counters.running.store(running.count, ordering: .relaxed) }
    }

    /// A pooled handle, or a new one, set up for `transfer`.
    ///
    /// A pooled handle curl refuses to set up is dropped and the transfer tried once on a
    /// new one: curl 7.88 keeps some state of a handle's last transfer across
    /// `curl_easy_reset`, and under load `make test` saw a reused handle refuse an option
    /// with CURLE_BAD_FUNCTION_ARGUMENT (as ``abort(_:)`` describes for aborted transfers).
    private func configuredHandle(for transfer: Transfer) -> Result<EasyHandle, HTTPClientError> {
        if let pooled = idleHandles.popLast() {
            do {
                try pooled.configure(for: transfer, defaults: defaults, resolve: resolveList)
                return .success(pooled)
            } catch {
                transfer.detach()  // and the handle is dropped, not pooled
            }
        }
        guard let fresh = makeHandle() else {
            return .failure(.transport(CurlError(easy: CURLE_OUT_OF_MEMORY, operation: "curl_easy_init")))
        }
        do {
            try fresh.configure(for: transfer, defaults: defaults, resolve: resolveList)
            return .success(fresh)
        } catch {
            transfer.detach()
            recycle(fresh)
            return .failure(error)
        }
    }

    private func makeHandle() -> EasyHandle? {
        counters.easyHandlesCreated.add(1, ordering: .relaxed)
        return EasyHandle()
    }

    private func recycle(_ handle: EasyHandle) {
        guard idleHandles.count < maxIdleHandles else { return }  // dropping it cleans it up
        handle.reset()
        idleHandles.append(handle)
    }

    /// Fails whatever is left, cleans up every handle on this thread, then releases the waiters.
    ///
    /// The phase stays `stopping` (so nothing new is accepted and no new waker starts)
    /// until the multi handle and the `eventfd` are gone; only then is it `stopped`.
    private func stop() {
        var leftovers: [Transfer] = []
        mailbox.withLock { box in
            swap(&leftovers, &box.additions)
            box.cancellations.removeAll()
            for heartbeat in box.heartbeats { heartbeat.resume(returning: false) }
            box.heartbeats.removeAll()
        }
        for (raw, transfer) in running {
            curl_multi_remove_handle(multi, raw)
            transfer.detach()
            transfer.finish(.failure(.clientShutdown))
        }
        running.removeAll()
        for transfer in leftovers { transfer.finish(.failure(.clientShutdown)) }
        idleHandles.removeAll()
        // No waker can start now (the phase is `stopping`); let those already counted finish.
        while wakersInFlight.load(ordering: .acquiring) > 0 { sched_yield() }
        Self.release(multi: multi, resolve: resolveList, wakeup: wakeup)
        counters.running.store(0, ordering: .relaxed)
        let waiters = mailbox.withLock { box -> [UnsafeContinuation<Void, Never>] in
            box.phase = .stopped
            defer { box.stopWaiters.removeAll() }
            return box.stopWaiters
        }
        for waiter in waiters { waiter.resume() }
    }
}
