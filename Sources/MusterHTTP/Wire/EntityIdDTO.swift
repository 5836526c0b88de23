import Foundation
import MusterCore

/// ThingsBoard's entity id object: `{"entityType":"DEVICE","id":"<uuid>"}`.
struct EntityIdDTO: Codable, Hashable {
    var entityType: String?
    var id: String

    init(_ kind: EntityKind, _ id: UUID) {
        self.entityType = kind.rawValue
        self.id = id.uuidString.lowercased()
    }

    /// The id as a UUID.
    /// - Throws: ``RequestError/invalidParameter(name:reason:)`` when it is not one.
    func uuid(field: String) throws -> UUID {
        guard let uuid = UUID(uuidString: id) else {
            throw RequestError.invalidParameter(name: field, reason: "'\(id)' is not a UUID")
        }
        return uuid
    }
}

/// `DeviceCredentialsId`: `{"id":"<uuid>"}` without an entity type.
struct BareIdDTO: Codable, Hashable {
    var id: String
}

/// ThingsBoard's page: `{"data":[…],"totalPages":n,"totalElements":n,"hasNext":b}`.
struct PageDataDTO<Element: Encodable>: Encodable {
    var data: [Element]
    var totalPages: Int
    var totalElements: Int
    var hasNext: Bool

    init<Source>(_ page: Page<Source>, _ transform: (Source) -> Element) {
        self.data = page.data.map(transform)
        self.totalPages = page.totalPages
        self.totalElements = page.totalElements
        self.hasNext = page.hasNext
    }
}

/// The customer every Muster entity has: ThingsBoard's null customer.
let nullCustomerId = EntityIdDTO(.customer, EntityIdentifier.nullUUID)

extension UUID {
    /// Lowercase text, as ThingsBoard writes ids.
    var lowercasedString: String { uuidString.lowercased() }
}
