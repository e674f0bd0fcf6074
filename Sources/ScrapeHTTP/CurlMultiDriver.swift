internal import CCurl
import ScrapeBase
import Synchronization

/// Owns one curl multi handle and the I/O thread that drives it.
///
/// It speaks only in "add transfer", "abort transfer" and "transfer finished"
/// (see `Transfer.swift` for the contract). Everything that touches the multi handle
/// or an easy handle runs on its I/O thread; other threads talk to it through the
/// `Mailbox` under a lock, and wake it with `curl_multi_wakeup`, the one curl call
/// that is safe from another thread.
///
/// The loop, one turn:
/// 1. Take the mailbox's new transfers and cancellations (marking the loop awake).
/// 2. Add the new transfers to the multi handle; remove the cancelled ones.
/// 3. If a stop was requested, leave the loop.
/// 4. `curl_multi_perform`, then hand every finished transfer its result.
/// 5. If the mailbox is empty, mark the loop asleep and `curl_multi_poll` (at most
///    1 s, less when curl's own timers are due). Submitters wake the loop only when it
///    is marked asleep, which saves most wakeups under load.
///
/// Race handled: a submitter reads "asleep" under the lock and calls
/// `curl_multi_wakeup` while still holding it, and the loop marks the driver stopped
/// under the same lock before `curl_multi_cleanup`, so a wakeup never reaches a
/// cleaned-up handle. A wakeup sent before the poll starts is not lost: it is a byte in
/// curl's wakeup pipe, and the next poll returns at once.
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

    /// The `CURLM *`. Shared with other threads only for `curl_multi_wakeup`, under the mailbox lock.
    private let multi: UnsafeMutableRawPointer
    private let mailbox = Locked(Mailbox())
    private let counters = Counters()
    private let defaults: EasyHandle.Defaults
    /// Idle easy handles kept for reuse. Transfers beyond the connection limit wait inside
    /// curl with handles of their own, so the pool is sized above `maxTotal`; without a cap it
    /// would keep the peak of a burst forever.
    private let maxIdleHandles: Int
    private let resolveList: UnsafeMutablePointer<curl_slist>?

    // I/O thread only.
    private var running: [UnsafeMutableRawPointer: Transfer] = [:]
    private var idleHandles: [EasyHandle] = []

    /// Creates the multi handle and starts the I/O thread.
    ///
    /// - Throws: `HTTPClientError` (`transport`) when curl cannot initialise or the thread cannot start.
    init(configuration: HTTPClient.Configuration) throws(HTTPClientError) {
        if let failure = CurlGlobal.initialization { throw .transport(failure) }
        guard let multi = curl_multi_init() else {
            throw .transport(CurlError(multi: CURLM_OUT_OF_MEMORY, operation: "curl_multi_init"))
        }
        self.multi = multi
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
                Self.release(multi: multi, resolve: list)
                throw .transport(CurlError(multi: code, operation: "curl_multi_setopt(\(name))"))
            }
        }
        guard IOThread.spawn({ [self] in self.runLoop() }) else {
            Self.release(multi: multi, resolve: list)
            throw .transport(CurlError(easy: CURLE_FAILED_INIT, operation: "starting the I/O thread"))
        }
    }

    // MARK: Any thread

    /// Queues a transfer for the I/O thread. Returns false when the driver is stopping or stopped.
    func submit(_ transfer: Transfer) -> Bool {
        mailbox.withLock { box in
            guard box.phase == .running else { return false }
            box.additions.append(transfer)
            wakeIfPolling(&box)
            return true
        }
    }

    /// Asks the I/O thread to abort a submitted transfer whose continuation was already resumed.
    func cancel(_ transfer: Transfer) {
        mailbox.withLock { box in
            guard box.phase == .running else { return }
            box.cancellations.append(transfer)
            wakeIfPolling(&box)
        }
    }

    /// Stops the loop: running and queued transfers fail with `clientShutdown`, then every
    /// handle is cleaned up on the I/O thread. Returns once that is done; idempotent.
    func shutdown() async {
        await withUnsafeContinuation { (continuation: UnsafeContinuation<Void, Never>) in
            let alreadyStopped = mailbox.withLock { box -> Bool in
                if box.phase == .stopped { return true }
                box.stopWaiters.append(continuation)
                if box.phase == .running {
                    box.phase = .stopping
                    box.isPolling = true  // force the wakeup below
                    wakeIfPolling(&box)
                }
                return false
            }
            if alreadyStopped { continuation.resume() }
        }
    }

    /// Returns once the I/O loop has taken a turn: true when it did, false when the driver
    /// is stopped. A wedged loop never answers, which is the point: the daemon's watchdog
    /// pings systemd only after this returns, so a stuck engine stops the pings.
    func heartbeat() async -> Bool {
        await withUnsafeContinuation { (continuation: UnsafeContinuation<Bool, Never>) in
            let accepted = mailbox.withLock { box -> Bool in
                guard box.phase == .running else { return false }
                box.heartbeats.append(continuation)
                wakeIfPolling(&box)
                return true
            }
            if !accepted { continuation.resume(returning: false) }
        }
    }

    /// Requests a stop without waiting for it (for `deinit`, which cannot await).
    func requestStop() {
        mailbox.withLock { box in
            guard box.phase == .running else { return }
            box.phase = .stopping
            box.isPolling = true
            wakeIfPolling(&box)
        }
    }

    /// A snapshot of the counters.
    var currentStatistics: Statistics {
        Statistics(
            running: counters.running.load(ordering: .relaxed),
            easyHandlesCreated: counters.easyHandlesCreated.load(ordering: .relaxed)
        )
    }

    private func wakeIfPolling(_ box: inout Mailbox) {
        guard box.isPolling else { return }
        box.isPolling = false
        curl_multi_wakeup(multi)
    }

    private static func release(multi: UnsafeMutableRawPointer, resolve: UnsafeMutablePointer<curl_slist>?) {
        curl_multi_cleanup(multi)
        if let resolve { curl_slist_free_all(resolve) }
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

            curl_multi_perform(multi, &active)
            deliverFinished()

            let shouldPoll = mailbox.withLock { box -> Bool in
                if box.hasWork { return false }
                box.isPolling = true
                return true
            }
            if shouldPoll {
                curl_multi_poll(multi, nil, 0, 1000, nil)
            }
        }
        stop()
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
    /// The phase stays `stopping` (so nothing new is accepted and nobody calls
    /// `curl_multi_wakeup`) until the multi handle is gone; only then is it `stopped`.
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
        Self.release(multi: multi, resolve: resolveList)
        counters.running.store(0, ordering: .relaxed)
        let waiters = mailbox.withLock { box -> [UnsafeContinuation<Void, Never>] in
            box.phase = .stopped
            defer { box.stopWaiters.removeAll() }
            return box.stopWaiters
        }
        for waiter in waiters { waiter.resume() }
    }
}
