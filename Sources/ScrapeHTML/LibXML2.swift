internal import CLibXML2
import Synchronization

/// Process-wide libxml2 set-up, done once.
enum LibXML2 {
    private static let initialized = Atomic<Bool>(false)
    private static let lock = Mutex(())

    /// `xmlInitParser()` plus the encoding aliases browsers use.
    ///
    /// Browsers decode `iso-8859-1`, `latin1` and `us-ascii` as windows-1252 (the WHATWG
    /// Encoding Standard); libxml2 does not unless the labels are aliased. Safe to call
    /// from any thread, any number of times.
    static func initializeOnce() {
        if initialized.load(ordering: .acquiring) { return }
        lock.withLock { _ in
            if initialized.load(ordering: .acquiring) { return }
            xmlInitParser()
            for label in ["ISO-8859-1", "ISO8859-1", "ISO_8859-1", "LATIN1", "L1", "CP819", "IBM819",
                          "ISO-IR-100", "CSISOLATIN1", "US-ASCII", "ASCII", "ANSI_X3.4-1968", "CP1252", "X-CP1252"] {
                xmlAddEncodingAlias("WINDOWS-1252", label)
            }
            initialized.store(true, ordering: .releasing)
        }
    }
}
