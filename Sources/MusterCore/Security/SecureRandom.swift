/// Random strings from the system's cryptographic random source.
package enum SecureRandom {
    private static let alphanumerics = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789".utf8)

    /// 62^10: ten base-62 digits fit in one 64-bit draw.
    private static let tenDigits: UInt64 = 839_299_365_868_340_224
    /// The largest multiple of 62^10 that fits in 64 bits; draws at or above it are rejected (no bias).
    private static let acceptBelow: UInt64 = (UInt64.max / tenDigits) * tenDigits

    /// A string of `length` characters from `[A-Za-z0-9]`, as ThingsBoard's `randomAlphanumeric`, uniformly
    /// distributed; one system random draw gives ten characters.
    package static func alphanumeric(_ length: Int) -> String {
        var generator = SystemRandomNumberGenerator()
        var bytes: [UInt8] = []
        bytes.reserveCapacity(length)
        while bytes.count < length {
            var draw = generator.next()
            guard draw < acceptBelow else { continue }
            draw %= tenDigits
            for _ in 0..<min(10, length - bytes.count) {
                bytes.append(alphanumerics[Int(draw % 62)])
                draw /= 62
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// `count` random bytes.
    package static func bytes(_ count: Int) -> [UInt8] {
        var generator = SystemRandomNumberGenerator()
        return (0..<count).map { _ in UInt8.random(in: .min ... .max, using: &generator) }
    }
}
