import CPSL

/// Registrable domains by the public suffix list, through libpsl from Debian (the newest
/// of its built-in list and the `publicsuffix` package's file, as `psl_latest` picks).
enum RegistrableDomain {
    /// libpsl's context: loaded once, immutable, shared by every thread.
    private nonisolated(unsafe) static let context: OpaquePointer? = psl_latest(nil) ?? psl_builtin()

    /// The registrable domain of `host` (`www.example.co.uk` → `example.co.uk`), or the
    /// host itself for an IP address or a host the list gives none for (`localhost`).
    static func of(host: String) -> String {
        if isIPAddress(host) { return host }
        guard let context, let domain = psl_registrable_domain(context, host) else { return host }
        return String(cString: domain)
    }

    /// An IPv6 literal (`[::1]`) or an IPv4 address as the URL parser writes it (its last
    /// label a number): libpsl would take `0.1` of `127.0.0.1` for a domain.
    private static func isIPAddress(_ host: String) -> Bool {
        if host.hasPrefix("[") { return true }
        guard let last = host.split(separator: ".").last else { return false }
        return !last.isEmpty && last.allSatisfy(\.isNumber)
    }
}
