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
