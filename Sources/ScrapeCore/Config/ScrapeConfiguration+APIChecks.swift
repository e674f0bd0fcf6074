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
}
