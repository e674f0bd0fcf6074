import Glibc
import NIOCore
import Testing

@testable import ScrapeStream

/// Issue 24: NIO's errors in a person's words ("connection refused", not "connection
/// reset (error set): Connection refused (errno: 111)").
@Suite struct SocketFailureTests {
    @Test func anIOErrorSaysWhatItsErrnoMeans() {
        let refused = IOError(errnoCode: ECONNREFUSED, reason: "connection reset (error set)")
        #expect(SocketFailure(refused).description == "connection refused")
        #expect(SocketFailure(IOError(errnoCode: ECONNRESET, reason: "read(descriptor:pointer:size:)")).description == "connection reset by the server")
        #expect(SocketFailure(IOError(errnoCode: EACCES, reason: "connect")).description == "permission denied")
    }

    @Test func addressesAreWrittenAsInAURL() throws {
        #expect(SocketFailure.address(try SocketAddress(ipAddress: "127.0.0.1", port: 1)) == "127.0.0.1:1")
        #expect(SocketFailure.address(try SocketAddress(ipAddress: "::1", port: 8080)) == "[::1]:8080")
    }

    @Test func aConnectTimeoutNamesItsLength() {
        #expect(SocketFailure(ChannelError.connectTimeout(.seconds(10))).description == "no connection within 10 s")
    }
}
