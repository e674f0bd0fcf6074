import Glibc
import ScrapeBase
import CCurl
@testable import ScrapeHTTP
import Testing

/// curl codes map to the record contract's kinds in one place.
struct HTTPClientErrorTests {
    /// Every curl result code a transfer can end with, and the kind it becomes: the one table.
    @Test(arguments: [
        (CURLE_COULDNT_RESOLVE_HOST, "dns", false), (CURLE_COULDNT_RESOLVE_PROXY, "dns", false),
        (CURLE_COULDNT_CONNECT, "connect", false), (CURLE_OPERATION_TIMEDOUT, "timeout", false),
        (CURLE_TOO_MANY_REDIRECTS, "too_many_redirects", true), (CURLE_FILESIZE_EXCEEDED, "too_large", true),
        (CURLE_OUT_OF_MEMORY, "too_large", true), (CURLE_ABORTED_BY_CALLBACK, "cancelled", false),
        (CURLE_SSL_CONNECT_ERROR, "tls", false), (CURLE_PEER_FAILED_VERIFICATION, "tls", false),
        (CURLE_SSL_CACERT_BADFILE, "tls", false), (CURLE_SSL_CERTPROBLEM, "tls", false),
        (CURLE_URL_MALFORMAT, "invalid_url", false), (CURLE_WEIRD_SERVER_REPLY, "transport", true),
        (CURLE_BAD_CONTENT_ENCODING, "transport", true), (CURLE_UNSUPPORTED_PROTOCOL, "transport", true),
        (CURLE_RECV_ERROR, "transport", false), (CURLE_SEND_ERROR, "transport", false),
        (CURLE_GOT_NOTHING, "transport", false), (CURLE_PARTIAL_FILE, "transport", false),
        (CURLE_HTTP2, "transport", false), (CURLE_HTTP2_STREAM, "transport", false), (CURLE_WRITE_ERROR, "transport", false),
    ])
    func curlCodeMapsToOneKind(code: CURLcode, kind: String, responseFault: Bool) {
        let error = HTTPClientError.fromTransfer(code: code, detail: nil, bodyLimit: 1024)
        #expect(error.kind.rawValue == kind)
        #expect(error.isResponseFault == responseFault)
    }

    @Test func aRedirectToAnotherSchemeIsUnsupportedScheme() {
        let error = HTTPClientError.fromTransfer(code: CURLE_UNSUPPORTED_PROTOCOL, detail: "Protocol \"ftp\" not supported or disabled in libcurl", bodyLimit: 1024)
        #expect(error.kind == .unsupportedScheme)
    }

    @Test func everyCurlCodeMapsWithoutCrashing() {
        for raw in UInt32(1)...UInt32(100) {
            let error = HTTPClientError.fromTransfer(code: CURLcode(rawValue: raw), detail: "", bodyLimit: 1)
            #expect(!error.kind.rawValue.isEmpty)
            #expect(!error.message.isEmpty)
        }
    }

    @Test func curlErrorDescriptionNamesOperationTextAndCode() {
        let error = CurlError(easy: CURLE_COULDNT_CONNECT, operation: "transfer", detail: "Failed to connect to x port 1")
        #expect(error.description == "CurlError: transfer: Couldn't connect to server (code 7): Failed to connect to x port 1")
        let wrapped = HTTPClientError.fromTransfer(code: CURLE_COULDNT_CONNECT, detail: "Failed to connect to x port 1", bodyLimit: 1)
        #expect(wrapped.message == "Failed to connect to x port 1")
        #expect(wrapped.curlError?.number == 7)
    }

    /// Issue 24: a refusal and an unreachable network read differently, though curl calls both
    /// "Couldn't connect to server".
    @Test(arguments: [(ECONNREFUSED, "connection refused"), (ENETUNREACH, "network unreachable"), (EHOSTUNREACH, "host unreachable")])
    func aFailedConnectSaysWhatTheErrnoMeans(errno: Int32, words: String) {
        let detail = "Failed to connect to 127.0.0.1 port 1 after 0 ms: Couldn't connect to server"
        let error = HTTPClientError.fromTransfer(code: CURLE_COULDNT_CONNECT, detail: detail, systemError: errno, bodyLimit: 1)
        #expect(error.kind == .connect)
        #expect(error.message == "Failed to connect to 127.0.0.1 port 1 after 0 ms: \(words)")
        #expect(error.curlError?.systemError == errno)
        // Without an errno, curl's words stay.
        #expect(HTTPClientError.fromTransfer(code: CURLE_COULDNT_CONNECT, detail: detail, bodyLimit: 1).message == detail)
    }

    @Test func errorsCompareByCaseNotMessage() {
        #expect(HTTPClientError.invalidURL("a") == HTTPClientError.invalidURL("b"))
        #expect(HTTPClientError.invalidURL("a") != HTTPClientError.unsupportedScheme("a"))
        #expect(HTTPClientError.clientShutdown.kind == .cancelled)
        #expect(HTTPClientError.clientShutdown != HTTPClientError.cancelled)
    }

    @Test(arguments: [
        (Duration.zero, 0), (.milliseconds(-5), 0), (.microseconds(1), 1), (.milliseconds(250), 250),
        (.seconds(30), 30_000), (.nanoseconds(1_000_001), 2),
    ])
    func durationsBecomeWholeMillisecondsRoundedUp(duration: Duration, milliseconds: Int) {
        #expect(duration.inMillisecondsRoundedUp == milliseconds)
    }
}
