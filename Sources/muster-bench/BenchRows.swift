/// The rows of the bulk-import benchmark: what `generate-csv` writes and what `sqlite-reference` inserts.
///
/// Row `i` (from 1) is a device `device-<i>` with one of a few profiles, a label, a server attribute
/// `serialNumber` (a string), a shared attribute `fw` (a string), a `temperature` sample (a double) and a random
/// 20-character access token (random like real tokens, so the credentials index takes random inserts).
enum BenchRows {
    /// The CSV header, in the column order of the benchmark mapping.
    static let header = "name,type,label,serialNumber,fw,temperature,accessToken"

    /// The device profiles (TYPE) rows cycle through.
    static let types = ["thermostat", "meter", "tracker", "gateway"]

    private static let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789".utf8)

    static func name(_ index: Int) -> String { "device-" + padded(index, 8) }
    static func type(_ index: Int) -> String { types[index % types.count] }
    static func label(_ index: Int) -> String { "Site \(index % 100)" }
    static func serialNumber(_ index: Int) -> String { "SN-" + padded(index, 10) }
    static func firmware(_ index: Int) -> String { "1.\(index % 5).\(index % 3)" }
    static func temperature(_ index: Int) -> Double { Double(150 + index % 150) / 10 + 0.25 }

    /// A random access token (20 characters from `[A-Za-z0-9]`).
    static func token(using generator: inout some RandomNumberGenerator) -> String {
        var bytes = [UInt8](repeating: 0, count: 20)
        var bits: UInt64 = 0
        for index in 0..<20 {
            if index % 10 == 0 { bits = generator.next() }
            bytes[index] = alphabet[Int(bits % 62)]
            bits /= 62
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// `value` in decimal with leading zeros to `width` digits.
    static func padded(_ value: Int, _ width: Int) -> String {
        let digits = String(value)
        return digits.count >= width ? digits : String(repeating: "0", count: width - digits.count) + digits
    }
}

/// A fast, seedable generator (SplitMix64) so that a run's tokens are reproducible and cheap.
struct SplitMix64: RandomNumberGenerator {
    private var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
