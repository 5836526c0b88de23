import Crypto

/// ThingsBoard's credential hash (`EncryptionUtil.getSha3Hash`): lowercase hex of SHA3-256 over the UTF-8 bytes.
package enum SHA3Hash {
    /// The lowercase hex SHA3-256 digest of `text`.
    package static func hex(_ text: String) -> String {
        let digest = SHA3_256.hash(data: Array(text.utf8))
        var out = ""
        out.reserveCapacity(64)
        for byte in digest {
            out.append(hexDigits[Int(byte >> 4)])
            out.append(hexDigits[Int(byte & 0x0F)])
        }
        return out
    }

    /// The hash of the non-empty parts joined with `delimiter` (ThingsBoard's multi-argument form).
    package static func hex(joining parts: [String?], delimiter: String) -> String {
        hex(parts.compactMap { $0 }.filter { !$0.isEmpty }.joined(separator: delimiter))
    }

    private static let hexDigits: [Character] = Array("0123456789abcdef")
}
