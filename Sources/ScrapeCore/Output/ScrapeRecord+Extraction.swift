extension ScrapeRecord {
    /// This record with `fields` and `metadata` set to null where `extraction` asks for
    /// them and no page filled them in (a transport error, an input error, robots.txt, an
    /// open circuit): every record of a run with fields has the same keys, so a reader
    /// never has to tell "not asked" from "no page".
    package func keyed(for extraction: ScrapeConfiguration.Extraction) -> ScrapeRecord {
        var record = self
        if !extraction.fields.isEmpty, record.fields == nil { record.fields = .null }
        if extraction.metadata, record.metadata == nil { record.metadata = .null }
        return record
    }
}
