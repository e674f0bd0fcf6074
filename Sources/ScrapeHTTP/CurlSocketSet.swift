internal import CCurl
import Glibc

/// The sockets curl wants watched, as `poll(2)` descriptors: what the driver's loop waits on.
///
/// curl says what it wants through `CURLMOPT_SOCKETFUNCTION` (in, out, both, or
/// remove), and the loop tells it which sockets are ready with
/// `curl_multi_socket_action`. That is the whole point of driving curl this way: curl
/// then touches only the transfers whose sockets are ready. `curl_multi_perform`, which
/// the driver used before, checks every running transfer's socket with a `poll` of its
/// own on every call: 64 system calls per loop turn at 64 in flight, ~3.3 per page, and
/// on a loaded machine, where turns come more often with less done in each, twice the
/// CPU of an unloaded run (docs/benchmarks.md, "Measured choices").
///
/// Slot 0 of the descriptors is the driver's wakeup `eventfd`. I/O thread only.
struct CurlSocketSet {
    /// Events wanted, by socket.
    private var wanted: [Int32: Int16] = [:]
    private var descriptors: [pollfd]
    private var isStale = false

    init(wakeup: Int32) {
        descriptors = [pollfd(fd: wakeup, events: Int16(POLLIN), revents: 0)]
    }

    /// Applies one `CURLMOPT_SOCKETFUNCTION` call.
    mutating func update(socket: Int32, what: Int32) {
        var events: Int16 = 0
        if what == CURL_POLL_IN || what == CURL_POLL_INOUT { events |= Int16(POLLIN) }
        if what == CURL_POLL_OUT || what == CURL_POLL_INOUT { events |= Int16(POLLOUT) }
        if events == 0 {
            guard wanted.removeValue(forKey: socket) != nil else { return }
        } else {
            guard wanted.updateValue(events, forKey: socket) != events else { return }
        }
        isStale = true
    }

    /// Forgets a socket that `poll` reported closed (curl closed it without saying so).
    mutating func forget(socket: Int32) {
        if wanted.removeValue(forKey: socket) != nil { isStale = true }
    }

    /// Waits up to `timeoutMilliseconds` (0: just looks), puts each socket that has events
    /// in `ready` with its `CURL_CSELECT_*` bits, and returns whether the wakeup fired.
    ///
    /// The caller hands the ready sockets to curl after this returns: curl's socket
    /// callback changes this set, which must not happen while it is being read.
    mutating func wait(timeoutMilliseconds: Int32, ready: inout [(socket: Int32, bits: Int32)]) -> Bool {
        ready.removeAll(keepingCapacity: true)
        if isStale { rebuild() }
        let count = descriptors.withUnsafeMutableBufferPointer { buffer in
            poll(buffer.baseAddress, nfds_t(buffer.count), timeoutMilliseconds)
        }
        guard count > 0 else { return false }
        let woken = descriptors[0].revents != 0
        var remaining = Int(count) - (woken ? 1 : 0)
        var index = 1
        while remaining > 0, index < descriptors.count {
            let entry = descriptors[index]
            index += 1
            guard entry.revents != 0 else { continue }
            remaining -= 1
            if entry.revents & Int16(POLLNVAL) != 0 {
                forget(socket: entry.fd)
                continue
            }
            var bits: Int32 = 0
            if entry.revents & Int16(POLLIN | POLLHUP) != 0 { bits |= CURL_CSELECT_IN }
            if entry.revents & Int16(POLLOUT) != 0 { bits |= CURL_CSELECT_OUT }
            if entry.revents & Int16(POLLERR) != 0 { bits |= CURL_CSELECT_ERR }
            ready.append((entry.fd, bits))
        }
        return woken
    }

    private mutating func rebuild() {
        descriptors.removeSubrange(1...)
        for (socket, events) in wanted { descriptors.append(pollfd(fd: socket, events: events, revents: 0)) }
        isStale = false
    }
}
