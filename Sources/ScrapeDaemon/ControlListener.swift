import Glibc
import NIOCore
import ScrapeCore
import ServiceLifecycle

/// The control server as a daemon service: it opens the ``ListeningGate`` once it listens,
/// and a failure to listen names the address and the key that set it (NIO's own error
/// says `bind(descriptor:ptr:bytes:)`, which tells a user nothing).
struct ControlListener: Service {
    let application: any Service
    let address: ScrapeConfiguration.ListenAddress
    let gate: ListeningGate

    func run() async throws {
        do {
            try await application.run()
        } catch where !gate.isOpen {
            let reason = (error as? IOError).map { String(cString: strerror($0.errnoCode)) } ?? "\(error)"
            throw DaemonError.listen(address: "\(address)", reason: reason)
        }
    }
}
