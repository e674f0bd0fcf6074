import Foundation
import ScrapeHTML
import Testing

/// One case per rule of the HTML standard that decides `document.title`: tokenizer
/// states, template contents, foreign content, comments, character references, encoding
/// sniffing, whitespace. The cases live in `Fixtures/title_cases.json`, written from the
/// rules by `Fixtures/make_title_cases.py` and checked against html5lib by
/// `scripts/check-title-cases.py` (where html5lib differs, the script says why).
struct TitleRuleTests {
    struct Case: Decodable, CustomTestStringConvertible, Sendable {
        let name: String
        let body: String
        let contentType: String?
        let title: String?
        var testDescription: String { name }

        enum CodingKeys: String, CodingKey {
            case name, body, title
            case contentType = "content_type"
        }
    }

    static let cases: [Case] = {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures/title_cases.json")
        guard let data = try? Data(contentsOf: url), let cases = try? JSONDecoder().decode([Case].self, from: data) else { return [] }
        return cases
    }()

    @Test func theCasesAreThere() {
        #expect(Self.cases.count >= 70)
    }

    @Test(arguments: cases)
    func titleIsWhatTheStandardSays(_ rule: Case) throws {
        let body = try #require(Data(base64Encoded: rule.body))
        #expect(TitleExtractor().title(in: Array(body), contentType: rule.contentType) == rule.title)
    }
}
