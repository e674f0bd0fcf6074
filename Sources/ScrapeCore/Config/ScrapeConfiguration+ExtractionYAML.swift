/// Reads the `fields:` and `metadata:` keys of a map that describes pages (the file's top
/// level for `scrape run --config`, a `scrape:` job):
///
/// | key | form | default |
/// |---|---|---|
/// | `fields` | a mapping `NAME: SPEC`, or a list of `NAME=SPEC` strings | none |
/// | `metadata` | bool | false |
///
/// SPEC is `css:SELECTOR`, `xpath:EXPR` or a bare CSS selector, as `--field` takes it;
/// a NAME ending in `[]` takes every match. YAML starts a comment at ` #`, so a selector
/// such as `#main h1` must be quoted: `title: "#main h1"`.
extension ScrapeConfiguration.Extraction {
    init(_ map: YAMLMap) throws(ConfigurationError) {
        self.init()
        metadata = try map.bool("metadata") ?? false
        guard let node = map["fields"] else { return }
        let path = map.path("fields")
        switch node {
        case .mapping:
            let fieldMap = try YAMLMap(node, path: path)
            for name in fieldMap.keys {
                guard let spec = try fieldMap.string(name) else { continue }
                try add(name: name, spec: spec, source: fieldMap.path(name), line: fieldMap.line(name))
            }
        case .sequence(let items):
            for (index, item) in items.enumerated() {
                guard case .scalar(let scalar) = item else {
                    throw ConfigurationError(key: "\(path)[\(index)]", message: "expected a NAME=SPEC string", line: item.mark.line)
                }
                try add(scalar.string, source: "\(path)[\(index)]", line: item.mark.line)
            }
        default:
            throw ConfigurationError(
                key: path, message: "expected a mapping of field names to selectors, or a list of NAME=SPEC strings", line: map.line("fields"))
        }
    }
}
