extension HTMLForm {
    /// A value a login puts in the form.
    public struct Value: Sendable, Equatable {
        public var name: String
        public var value: String
        /// Whether it came from a secret (`*_env`, `*_file`): only such values may fill a
        /// password input.
        public var isSecret: Bool

        public init(name: String, value: String, isSecret: Bool) {
            self.name = name
            self.value = value
            self.isSecret = isSecret
        }
    }

    /// A password input given a value written in the config file.
    public struct FillError: Error, Equatable, CustomStringConvertible {
        public let name: String

        public init(name: String) {
            self.name = name
        }

        public var description: String {
            "the form's password input \"\(name)\" is filled only from a secret: write \(name)_env or \(name)_file, not the password itself"
        }
    }

    /// Puts `values` in the form: each replaces the value of the first entry of its name,
    /// or is added at the end when the form has none (a field a script would have added).
    ///
    /// - Throws: ``FillError`` when a password input would get a value that is not a secret.
    public mutating func fill(_ values: [Value]) throws(FillError) {
        for given in values {
            if passwordNames.contains(given.name), !given.isSecret { throw FillError(name: given.name) }
            if let index = entries.firstIndex(where: { $0.name == given.name }) {
                entries[index].value = given.value
            } else {
                entries.append(Entry(name: given.name, value: given.value))
            }
        }
    }

    /// The request a browser sends for the form.
    public struct Submission: Sendable, Equatable {
        public var url: String
        public var method: Method
        /// The body's type; nil for a GET, whose entries are the URL's query.
        public var contentType: String?
        public var body: [UInt8]?
    }

    /// The form's request: a GET puts the entries in the action URL's query (replacing
    /// its query, dropping its fragment); a POST sends them in the body as `enctype` says.
    ///
    /// - Parameter boundary: the multipart boundary (ASCII letters and digits; the caller
    ///   makes it unpredictable), used only for `multipart/form-data`.
    public func submission(boundary: String) -> Submission {
        let pairs = entries.map { (name: Self.normalizingLineBreaks($0.name), value: Self.normalizingLineBreaks($0.value)) }
        switch method {
        case .get:
            var target = action
            if let hash = target.firstIndex(of: "#") { target = String(target[..<hash]) }
            if let question = target.firstIndex(of: "?") { target = String(target[..<question]) }
            return Submission(url: target + "?" + String(decoding: Self.urlEncoded(pairs), as: UTF8.self), method: .get, contentType: nil, body: nil)
        case .post:
            switch encoding {
            case .urlEncoded:
                return Submission(url: action, method: .post, contentType: encoding.rawValue, body: Self.urlEncoded(pairs))
            case .multipart:
                return Submission(
                    url: action, method: .post, contentType: "multipart/form-data; boundary=\(boundary)",
                    body: Self.multipart(pairs, boundary: boundary))
            case .plainText:
                let text = pairs.map { "\($0.name)=\($0.value)\r\n" }.joined()
                return Submission(url: action, method: .post, contentType: "text/plain;charset=UTF-8", body: Array(text.utf8))
            }
        }
    }

    /// The URL standard's `application/x-www-form-urlencoded` serializer over UTF-8: ASCII
    /// letters, digits and `*-._` as they are, space as `+`, every other byte `%XX`.
    static func urlEncoded(_ pairs: [(name: String, value: String)]) -> [UInt8] {
        var bytes: [UInt8] = []
        for (index, pair) in pairs.enumerated() {
            if index > 0 { bytes.append(UInt8(ascii: "&")) }
            appendEncoded(pair.name, to: &bytes)
            bytes.append(UInt8(ascii: "="))
            appendEncoded(pair.value, to: &bytes)
        }
        return bytes
    }

    private static func appendEncoded(_ text: String, to bytes: inout [UInt8]) {
        let hex = Array("0123456789ABCDEF".utf8)
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: " "): bytes.append(UInt8(ascii: "+"))
            case UInt8(ascii: "*"), UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"): bytes.append(byte)
            case _ where ASCII.isAlphanumeric(byte): bytes.append(byte)
            default: bytes += [UInt8(ascii: "%"), hex[Int(byte >> 4)], hex[Int(byte & 0x0F)]]
            }
        }
    }

    /// `multipart/form-data` (RFC 7578) with the HTML standard's name escaping (`"`, CR
    /// and LF as `%22`, `%0D`, `%0A`).
    static func multipart(_ pairs: [(name: String, value: String)], boundary: String) -> [UInt8] {
        var text = ""
        for pair in pairs {
            var name = ""
            for character in pair.name.unicodeScalars {
                switch character {
                case "\"": name += "%22"
                case "\r": name += "%0D"
                case "\n": name += "%0A"
                default: name.unicodeScalars.append(character)
                }
            }
            text += "--\(boundary)\r\nContent-Disposition: form-data; name=\"\(name)\"\r\n\r\n\(pair.value)\r\n"
        }
        text += "--\(boundary)--\r\n"
        return Array(text.utf8)
    }

    /// Every CR not followed by LF and every LF not preceded by CR becomes CR LF, as a form
    /// submits text.
    static func normalizingLineBreaks(_ text: String) -> String {
        guard text.utf8.contains(where: { $0 == 0x0A || $0 == 0x0D }) else { return text }
        var result: [UInt8] = []
        let bytes = Array(text.utf8)
        var index = 0
        while index < bytes.count {
            let byte = bytes[index]
            if byte == 0x0D {
                result += [0x0D, 0x0A]
                if index + 1 < bytes.count, bytes[index + 1] == 0x0A { index += 1 }
            } else if byte == 0x0A {
                result += [0x0D, 0x0A]
            } else {
                result.append(byte)
            }
            index += 1
        }
        return String(decoding: result, as: UTF8.self)
    }
}
