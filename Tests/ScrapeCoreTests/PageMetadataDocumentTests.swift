import ScrapeCore
import ScrapeHTML
@testable import ScrapePages
import Testing

/// The record's `metadata` object from what the extractor found (issue 26): each JSON-LD
/// block on its own, `@graph` flattened, a broken block as an error entry; repeated
/// properties as arrays.
struct PageMetadataDocumentTests {
    private func json(_ documents: [JSONDocument]) -> String {
        String(decoding: JSONDocument.array(documents).encoded, as: UTF8.self)
    }

    @Test func aBlockIsOneEntryWithItsNumbersAsWritten() {
        let entries = PageMetadata.entries(ofJSONLD: #" {"@type": "Product", "offers": {"price": 9.99, "sku": 12345678901234567890, "n": 1e2}} "#)
        #expect(json(entries) == #"[{"@type":"Product","offers":{"price":9.99,"sku":12345678901234567890,"n":1e2}}]"#)
    }

    @Test func aGraphGivesItsItemsEachWithTheBlocksContext() {
        let entries = PageMetadata.entries(ofJSONLD: #"{"@context": "https://schema.org", "@graph": [{"@type": "A"}, {"@context": "x", "@type": "B"}, 3]}"#)
        #expect(json(entries) == #"[{"@context":"https://schema.org","@type":"A"},{"@context":"x","@type":"B"},3]"#)
    }

    @Test func aTopLevelArrayGivesItsItems() {
        let entries = PageMetadata.entries(ofJSONLD: #"[{"@type": "A"}, {"@graph": [{"@type": "B"}]}]"#)
        #expect(json(entries) == #"[{"@type":"A"},{"@type":"B"}]"#)
    }

    @Test func aBlockThatIsNotJSONIsAnErrorEntry() {
        let entries = PageMetadata.entries(ofJSONLD: #"{"@type": "Product", "name": broken"#)
        #expect(json(entries) == #"[{"error":"invalid JSON at byte 29: invalid value"}]"#)
        #expect(json(PageMetadata.entries(ofJSONLD: "")) == #"[{"error":"invalid JSON at byte 0: unexpected end"}]"#)
    }

    @Test func repeatedPropertiesBecomeArraysInFirstSeenOrder() {
        let grouped = PageMetadata.grouped([("og:image", "1"), ("og:title", "T"), ("og:image", "2"), ("og:image", "3")])
        #expect(String(decoding: grouped.encoded, as: UTF8.self) == #"{"og:image":["1","2","3"],"og:title":"T"}"#)
        #expect(String(decoding: PageMetadata.grouped([]).encoded, as: UTF8.self) == "{}")
    }
}
