import Foundation

/// A tenant: the unit of isolation. Every profile, device and asset belongs to exactly one.
package struct Tenant: Sendable, Hashable {
    package var id: UUID
    package var title: String
    package var createdTime: Int64

    package init(id: UUID, title: String, createdTime: Int64) {
        self.id = id
        self.title = title
        self.createdTime = createdTime
    }
}
