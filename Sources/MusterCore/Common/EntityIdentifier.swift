import Foundation

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
    /// A new time-ordered UUID for `milliseconds`.
    package static func make(at milliseconds: Int64) -> UUID {
        var generator = SystemRandomNumberGenerator()
        let random = generator.next()
        let moreRandom = generator.next()
        let ms = UInt64(max(0, milliseconds))
        var bytes = [UInt8](repeating: 0, count: 16)
        for index in 0..<6 { bytes[index] = UInt8(truncatingIfNeeded: ms >> (8 * (5 - UInt64(index)))) }
        bytes[6] = 0x70 | UInt8(truncatingIfNeeded: random & 0x0F)
        bytes[7] = UInt8(truncatingIfNeeded: random >> 8)
        bytes[8] = 0x80 | UInt8(truncatingIfNeeded: (random >> 16) & 0x3F)
        for index in 9..<16 { bytes[index] = UInt8(truncatingIfNeeded: moreRandom >> (8 * UInt64(index - 9))) }
        return UUID(uuid: (
            bytes[0], bytes[1], bytes[2], bytes[3], bytes[4], bytes[5], bytes[6], bytes[7],
            bytes[8], bytes[9], bytes[10], bytes[11], bytes[12], bytes[13], bytes[14], bytes[15]
        ))
    }

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
