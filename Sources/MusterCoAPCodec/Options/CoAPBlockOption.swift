/// The value of a Block1 or Block2 option (RFC 7959 §2.2): block number, more flag and size exponent.
///
/// On the wire it is a uint of 0 to 3 bytes, `NUM << 4 | M << 3 | SZX`; the block size is `2^(SZX + 4)`
/// bytes (16…1024). SZX 7 is reserved and rejected.
package struct CoAPBlockOption: Hashable, Sendable, CustomStringConvertible {
    /// The largest block number that fits in 3 bytes (20 bits).
    package static let maximumNumber: UInt32 = (1 << 20) - 1

    /// The largest size exponent (6 → 1024 bytes).
    package static let maximumSizeExponent: UInt8 = 6

    /// The block number, 0…2^20−1.
    package var number: UInt32
    /// Whether more blocks follow (M).
    package var more: Bool
    /// The size exponent (SZX), 0…6.
    package var sizeExponent: UInt8

    /// Creates a block option value.
    /// - Parameters:
    ///   - number: The block number, at most ``maximumNumber``.
    ///   - more: Whether more blocks follow.
    ///   - sizeExponent: SZX, 0…6.
    package init(number: UInt32, more: Bool, sizeExponent: UInt8) {
        precondition(number <= Self.maximumNumber, "a block number has 20 bits")
        precondition(sizeExponent <= Self.maximumSizeExponent, "SZX 7 is reserved (RFC 7959 §2.2)")
        self.number = number
        self.more = more
        self.sizeExponent = sizeExponent
    }

    /// Creates a block option value from a block size.
    /// - Parameters:
    ///   - number: The block number.
    ///   - more: Whether more blocks follow.
    ///   - size: The block size: 16, 32, 64, 128, 256, 512 or 1024; `nil` for any other.
    package init?(number: UInt32, more: Bool, size: Int) {
        guard let exponent = Self.sizeExponent(forSize: size), number <= Self.maximumNumber else { return nil }
        self.init(number: number, more: more, sizeExponent: exponent)
    }

    /// Decodes a Block1/Block2 uint value.
    /// - Parameter value: The option value as an integer.
    /// - Returns: `nil` when SZX is 7 or the value has more than 24 bits.
    package init?(value: UInt32) {
        guard value >> 24 == 0, value & 0x07 != 7 else { return nil }
        self.number = value >> 4
        self.more = value & 0x08 != 0
        self.sizeExponent = UInt8(value & 0x07)
    }

    /// The block size in bytes, `2^(SZX + 4)`.
    package var size: Int { 1 << (Int(sizeExponent) + 4) }

    /// The offset of this block's first byte in the whole body, `NUM × size`.
    package var offset: Int { Int(number) << (Int(sizeExponent) + 4) }

    /// The uint carried on the wire; ``CoAPOption/init(_:uint:)`` writes it in 0–3 bytes, minimal.
    package var value: UInt32 {
        number << 4 | (more ? 0x08 : 0) | UInt32(sizeExponent)
    }

    /// The RFC's notation `NUM/M/SIZE`, e.g. `2/0/128`.
    package var description: String { "\(number)/\(more ? 1 : 0)/\(size)" }

    /// The size exponent for a block size.
    /// - Parameter size: A power of two from 16 to 1024.
    /// - Returns: SZX, or `nil` for any other size.
    package static func sizeExponent(forSize size: Int) -> UInt8? {
        guard size >= 16, size <= 1024, size & (size - 1) == 0 else { return nil }
        return UInt8(size.trailingZeroBitCount - 4)
    }
}
