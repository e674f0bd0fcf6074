import CCurl
@testable import ScrapeHTTP
import Testing

/// curl codes map to the record contract's kinds in one place.
struct HTTPClientErrorTests {
    @Test(arguments: [
        (CURLE_UNSUPPORTED_PROTOCOL, "unsupported_scheme"), (CURLE_URL_MALFORMAT, "invalid_url"),
        (CURLE_COULDNT_RESOLVE_HOST, "dns"), (CURLE_COULDNT_RESOLVE_PROXY, "dns"),
        (CURLE_COULDNT_CONNECT, "connect"), (CURLE_OPERATION_TIMEDOUT, "timeout"),
        (CURLE_TOO_MANY_REDIRECTS, "too_many_redirects"), (CURLE_FILESIZE_EXCEEDED, "too_large"),
        (CURLE_SSL_CONNECT_ERROR, "tls"), (CURLE_PEER_FAILED_VERIFICATION, "tls"), (CURLE_SSL_CACERT_BADFILE, "tls"),
        (CURLE_ABORTED_BY_CALLBACK, "cancelled"), (CURLE_RECV_ERROR, "transport"), (CURLE_PARTIAL_FILE, "transport"),
        (CURLE_GOT_NOTHING, "transport"), (CURLE_HTTP2, "transport"), (CURLE_WRITE_ERROR, "transport"),
    ])
    func mapsCurlCodesToKinds(code: CURLcode, kind: String) {
        let error = HTTPClientError.fromTransfer(code: code, detail: nil, bodyLimit: 10)
        #expect(error.kind.rawValue == kind)
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
        #expect(duration.wholeMilliseconds == milliseconds)
    }
}
