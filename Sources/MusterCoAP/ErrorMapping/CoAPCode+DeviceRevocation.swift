import MusterCoAPCodec
import MusterCore

extension CoAPCode {
    /// The code of the final notification an observer gets when its device is revoked (RFC 7641 §4.2): what a GET
    /// with the observation's token would answer now, 4.01 Unauthorized once the credentials changed, 4.04 Not Found
    /// once the device is deleted.
    init(_ reason: DeviceRevocationReason) {
        switch reason {
        case .credentialsChanged: self = .unauthorized
        case .deviceDeleted: self = .notFound
        }
    }
}
