/// Checks across keys of an `api:` map, so a job says what it means: what would be sent
/// differently from what the file reads is refused while reading the file, naming both
/// keys, not found out from the requests.
extension ScrapeConfiguration.API {
    /// Every `{name}` in `path` has a `resolve:` entry.
    ///
    /// Without one the placeholder would go out as it is (percent-encoded), and the API
    /// would answer for a user literally called `{user_id}`: never what the file means.
    ///
    /// - Throws: ``ConfigurationError`` at `path`, naming the job and the placeholder.
    func checkPlaceholders(_ map: YAMLMap, job: String) throws(ConfigurationError) {
        for name in Self.placeholders(in: path) where !resolve.contains(where: { $0.param == name }) {
            throw ConfigurationError(
                key: map.path("path"),
                message: "job \(job): {\(name)} has no value; add resolve: {\(name): {job: PARENT, field: FIELD}} to take it from "
                    + "another job's records, or write the braces as %7B and %7D to send them as they are",
                line: map.line("path"))
        }
    }

    /// The names of the `{name}` placeholders in `path`, in order.
    static func placeholders(in path: String) -> [String] {
        var names: [String] = []
        var rest = Substring(path)
        while let open = rest.firstIndex(of: "{") {
            let after = rest[rest.index(after: open)...]
            guard let close = after.firstIndex(where: { $0 == "{" || $0 == "}" }) else { break }
            if after[close] == "}" { names.append(String(after[..<close])) }
            rest = after[close...].first == "{" ? after[close...] : after[after.index(after: close)...]
        }
        return names
    }

    /// No paginator value goes where `json:` already has one, and no two go into each other.
    ///
    /// The paginator sets its values on every page, so a value written in `json:` at the
    /// same place (or a non-object on the way to it) would never be sent as written: the
    /// file would say one thing and the requests another.
    ///
    /// - Throws: ``ConfigurationError`` at the `*_body_path` key, naming the `json:` key
    ///   or the other `*_body_path` key.
    func checkBodyPaths(_ map: YAMLMap, paginator: YAMLMap) throws(ConfigurationError) {
        let named: [(key: String, path: [String])] = [
            ("page_body_path", bodyPaths.page), ("offset_body_path", bodyPaths.offset),
            ("limit_body_path", bodyPaths.limit), ("cursor_body_path", bodyPaths.cursor),
        ].compactMap { entry in entry.1.map { (entry.0, $0) } }
        for (index, entry) in named.enumerated() {
            let text = entry.path.joined(separator: ".")
            if let json, let written = json.valueReplaced(bySettingAt: entry.path) {
                throw ConfigurationError(
                    key: paginator.path(entry.key),
                    message: "\(text) would overwrite \(map.path("json")).\(written.joined(separator: ".")), which the file sets; "
                        + "the paginator puts its value there on every page, so take it out of json: or choose another path",
                    line: paginator.line(entry.key))
            }
            for other in named[..<index] where other.path.starts(with: entry.path) || entry.path.starts(with: other.path) {
                throw ConfigurationError(
                    key: paginator.path(entry.key),
                    message: "\(text) and \(other.key) \(other.path.joined(separator: ".")) overlap, so one value would overwrite "
                        + "the other; give each a key of its own",
                    line: paginator.line(entry.key))
            }
        }
    }
}
