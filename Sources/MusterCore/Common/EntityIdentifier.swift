import Foundation
import Synchronization

/// Entity kinds, with ThingsBoard's `entityType` names.
package enum EntityKind: String, Sendable, Codable, CaseIterable {
    case tenant = "TENANT"
    case user = "USER"
    case customer = "CUSTOMER"
    case device = "DEVICE"
    case asset = "ASSET"
    case deviceProfile = "DEVICE_PROFILE"
    case assetProfile = "ASSET_PROFILE"
    case deviceCredentials = "DEVICE_CREDENTIALS"
    case auditLog = "AUDIT_LOG"
}

/// Generates entity ids. Ids are time-ordered (UUID version 7 layout) so that new rows land at the end of
/// the primary-key index instead of all over it.
package enum EntityIdentifier {
    /// A new time-ordered UUID for `milliseconds`, from one process-wide ``Sequence`` (no system random draw per
    /// id; see ``Sequence`` for why ids stay unique across processes).
    package static func make(at milliseconds: Int64) -> UUID {
        shared.withLock { $0.next(at: milliseconds) }
    }

    private static let shared = Mutex(Sequence())

    /// ThingsBoard's "null" id (`13814000-1dd2-11b2-8080-808080808080`), used for an absent customer.
    package static let nullUUID = UUID(uuidString: "13814000-1dd2-11b2-8080-808080808080")!
}

extension EntityIdentifier {
    /// Makes many time-ordered ids quickly (bulk import) without a system random draw per id: each generator has a
    /// random 42-bit prefix, and a 32-bit counter makes its ids unique and increasing within a millisecond.
    /// Layout: 48-bit milliseconds, version 7, 12 prefix bits, variant, 30 prefix bits, 32 counter bits.
    package struct Sequence: Sendable {
        private let prefix: UInt64
        private var counter: UInt32 = 0

        package init() {
            var generator = SystemRandomNumberGenerator()
            prefix = generator.next() & 0x3FF_FFFF_FFFF
        }

        /// The next id for `milliseconds`.
        package mutating func next(at milliseconds: Int64) -> UUID {
            counter &+= 1
            let ms = UInt64(max(0, milliseconds)) & 0xFFFF_FFFF_FFFF
            let high = ms << 16 | 0x7000 | (prefix >> 30 & 0x0FFF)
            let low = 0x8000_0000_0000_0000 | (prefix & 0x3FFF_FFFF) << 32 | UInt64(counter)
            return UUID(uuid: (
                UInt8(truncatingIfNeeded: high >> 56), UInt8(truncatingIfNeeded: high >> 48),
                UInt8(truncatingIfNeeded: high >> 40), UInt8(truncatingIfNeeded: high >> 32),
                UInt8(truncatingIfNeeded: high >> 24), UInt8(truncatingIfNeeded: high >> 16),
                UInt8(truncatingIfNeeded: high >> 8), UInt8(truncatingIfNeeded: high),
                UInt8(truncatingIfNeeded: low >> 56), UInt8(truncatingIfNeeded: low >> 48),
                UInt8(truncatingIfNeeded: low >> 40), UInt8(truncatingIfNeeded: low >> 32),
                UInt8(truncatingIfNeeded: low >> 24), UInt8(truncatingIfNeeded: low >> 16),
                UInt8(truncatingIfNeeded: low >> 8), UInt8(truncatingIfNeeded: low)
            ))
        }
    }
}
