internal import CCurl

/// URL helpers for callers that build requests: RFC 3986 reference resolution with
/// curl's own parser (the one that will fetch the URL) and query editing.
public enum HTTPURL {
    /// Resolves `reference` (absolute, or relative like `../next?page=2`) against `base`,
    /// as RFC 3986 §5.2 says.
    ///
    /// - Throws: `HTTPClientError` (`invalid_url`) when either cannot be parsed.
    public static func resolve(_ reference: String, against base: String) throws(HTTPClientError) -> String {
        guard let handle = curl_url() else { throw .invalidURL("could not allocate a URL parser") }
        defer { curl_url_cleanup(handle) }
        let baseCode = curl_url_set(handle, CURLUPART_URL, base, 0)
        guard baseCode == CURLUE_OK else {
            throw .invalidURL("malformed base URL: \(CurlError(url: baseCode, operation: "curl_url_set").message)")
        }
        let referenceCode = curl_url_set(handle, CURLUPART_URL, reference, 0)
        guard referenceCode == CURLUE_OK else {
            throw .invalidURL("malformed URL reference: \(CurlError(url: referenceCode, operation: "curl_url_set").message)")
        }
        var result: UnsafeMutablePointer<CChar>?
        guard curl_url_get(handle, CURLUPART_URL, &result, 0) == CURLUE_OK, let result else {
            throw .invalidURL("could not resolve \(reference) against \(base)")
        }
        defer { curl_free(result) }
        return String(cString: result)
    }

    /// `url` with each of `items` set in its query: an existing parameter of the same name
    /// is replaced (first occurrence; later duplicates removed), a new one appended.
    /// Names and values are percent-encoded; the rest of the query is kept as it is.
    public static func settingQueryItems(_ items: [(name: String, value: String)], in url: String) -> String {
        guard !items.isEmpty else { return url }
        var base = Substring(url)
        var fragment = ""
        if let hash = base.firstIndex(of: "#") {
            fragment = String(base[hash...])
            base = base[..<hash]
        }
        var query: [Substring] = []
        if let question = base.firstIndex(of: "?") {
            query = base[base.index(after: question)...].split(separator: "&", omittingEmptySubsequences: true)
            base = base[..<question]
        }
        for item in items {
            let name = percentEncode(item.name)
            let pair = Substring("\(name)=\(percentEncode(item.value))")
            let matches = query.indices.filter { query[$0].prefix { $0 != "=" } == name }
            if let first = matches.first {
                query[first] = pair
                for index in matches.dropFirst().reversed() { query.remove(at: index) }
            } else {
                query.append(pair)
            }
        }
        return String(base) + "?" + query.joined(separator: "&") + fragment
    }

    /// Percent-encodes everything but RFC 3986's unreserved characters.
    public static func percentEncode(_ text: String) -> String {
        var encoded = ""
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
                UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "~"):
                encoded.unicodeScalars.append(Unicode.Scalar(byte))
            default:
                let hex = Array("0123456789ABCDEF".utf8)
                encoded += "%" + String(decoding: [hex[Int(byte >> 4)], hex[Int(byte & 0x0F)]], as: UTF8.self)
            }
        }
        return encoded
    }
}
