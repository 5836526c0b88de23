/// Random strings from the system's cryptographic random source.
package enum SecureRandom {
    private static let alphanumerics = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789".utf8)

    /// A string of `length` characters from `[A-Za-z0-9]`, as ThingsBoard's `randomAlphanumeric`.
    package static func alphanumeric(_ length: Int) -> String {
        var generator = SystemRandomNumberGenerator()
        var bytes: [UInt8] = []
        bytes.reserveCapacity(length)
        for _ in 0..<length {
            bytes.append(alphanumerics[Int(generator.next(upperBound: UInt64(alphanumerics.count)))])
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// `count` random bytes.
    package static func bytes(_ count: Int) -> [UInt8] {
        var generator = SystemRandomNumberGenerator()
        return (0..<count).map { _ in UInt8.random(in: .min ... .max, using: &generator) }
    }
}
