import Foundation
import MusterCore
import Testing

/// The `additionalInfo` merge rule of an updating import, which every store applies as the core decides it.
@Suite struct ImportRowMergeTests {
    private func row(description: String? = nil, gateway: Bool? = nil) -> ImportRow {
        ImportRow(
            line: 2, cells: [], name: "d", newEntityId: UUID(), newCredentialsId: UUID(), description: description,
            gateway: gateway)
    }

    @Test func aRowWithoutDescriptionOrGatewayWritesNothing() {
        #expect(row().additionalInfo(merging: nil) == nil)
        #expect(row().additionalInfo(merging: #"{"description":"kept"}"#) == nil)
    }

    @Test func aNewEntityGetsOnlyTheRowsCells() throws {
        let text = try #require(row(description: "hall", gateway: true).additionalInfo(merging: nil))
        #expect(try JSONParser.parse(text) == .object(["description": .string("hall"), "gateway": .bool(true)]))
    }

    @Test func anExistingObjectKeepsItsOtherMembers() throws {
        let stored = #"{"description":"old","gateway":false,"owner":"ops"}"#
        let text = try #require(row(gateway: true).additionalInfo(merging: stored))
        #expect(
            try JSONParser.parse(text)
                == .object(["description": .string("old"), "gateway": .bool(true), "owner": .string("ops")]))
    }

    @Test(arguments: ["[1,2]", "\"text\"", "not json"])
    func storedTextThatIsNotAnObjectIsReplaced(stored: String) throws {
        let text = try #require(row(description: "new").additionalInfo(merging: stored))
        #expect(try JSONParser.parse(text) == .object(["description": .string("new")]))
    }
}
