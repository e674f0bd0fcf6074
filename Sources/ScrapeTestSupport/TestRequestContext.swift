public import Hummingbird
import NIOCore

/// The test server's request context: Hummingbird's basic one plus the client's port,
/// which tells connections apart (one TCP connection, one client port).
public struct TestRequestContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    /// The remote (client) port of the connection this request came on.
    public let remotePort: Int?

    public init(source: ApplicationRequestContextSource) {
        self.coreContext = .init(source: source)
        self.remotePort = source.channel.remoteAddress?.port
    }
}
