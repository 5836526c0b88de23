/// A cell read as a decimal number, the way ThingsBoard's `TypeCastUtil.castValue` reads it:
/// commons-lang3 `NumberUtils.isCreatable` on the text with `,` replaced by `.`, then
/// `java.math.BigDecimal`.
///
/// The accepted syntax is `[+-]? (digits [.,] digits? | [.,]? digits) ([eE] [+-]? digits)?`. The
/// forms `isCreatable` accepts but `BigDecimal` rejects (hex `0x1F`, type suffixes `1L`, `1f`, `1d`)
/// are not numbers here, which gives the same result: ThingsBoard stores them as strings.
struct DecimalNumber {
    /// Whether the text starts with `-`.
    var isNegative = false
    /// Whether the integer part has a redundant leading zero (`007`, `-00.5`); decision 6 keeps such
    /// cells as strings.
    var hasLeadingZeros = false
    /// Whether the text has a decimal point (`.` or `,`).
    var hasPoint = false
    /// Whether the text has an exponent (`e` or `E`).
    var hasExponent = false
    /// Whether every digit is zero.
    var isZero = true
    /// The significant digits without trailing zeros, or `nil` if they do not fit in 64 bits.
    var significand: UInt64? = 0
    /// `BigDecimal.scale()`: digits after the point minus the exponent.
    var scale = 0
    /// `BigDecimal.stripTrailingZeros().scale()`; positive if and only if the value has a fractional part.
    var strippedScale = 0

    /// Parses `bytes`, or returns `nil` if it is not a decimal number.
    /// - Parameter bytes: The cell's UTF-8 bytes.
    init?(_ bytes: UnsafeBufferPointer<UInt8>) {
        let count = bytes.count
        var index = 0
        if index < count, bytes[index] == UInt8(ascii: "-") || bytes[index] == UInt8(ascii: "+") {
            isNegative = bytes[index] == UInt8(ascii: "-")
            index += 1
        }
        var trailingZeros = 0
        var overflow = false
        var value: UInt64 = 0
        /// Feeds one mantissa digit, keeping trailing zeros aside until a non-zero digit follows.
        func addDigit(_ digit: UInt8) {
            if digit == 0 {
                if !isZero { trailingZeros += 1 }
                return
            }
            isZero = false
            for _ in 0...trailingZeros where !overflow {
                let (product, multiplyOverflow) = value.multipliedReportingOverflow(by: 10)
                value = product
                overflow = multiplyOverflow
            }
            if !overflow {
                let (sum, addOverflow) = value.addingReportingOverflow(UInt64(digit))
                value = sum
                overflow = addOverflow
            }
            trailingZeros = 0
        }

        let integerStart = index
        while index < count, let digit = Self.digit(bytes[index]) {
            addDigit(digit)
            index += 1
        }
        let integerCount = index - integerStart
        hasLeadingZeros = integerCount > 1 && bytes[integerStart] == UInt8(ascii: "0")
        var fractionCount = 0
        if index < count, bytes[index] == UInt8(ascii: ".") || bytes[index] == UInt8(ascii: ",") {
            hasPoint = true
            index += 1
            while index < count, let digit = Self.digit(bytes[index]) {
                addDigit(digit)
                index += 1
                fractionCount += 1
            }
        }
        guard integerCount + fractionCount > 0 else { return nil }

        var exponent = 0
        if index < count, bytes[index] | 0x20 == UInt8(ascii: "e") {
            hasExponent = true
            index += 1
            var exponentIsNegative = false
            if index < count, bytes[index] == UInt8(ascii: "-") || bytes[index] == UInt8(ascii: "+") {
                exponentIsNegative = bytes[index] == UInt8(ascii: "-")
                index += 1
            }
            let exponentStart = index
            while index < count, let digit = Self.digit(bytes[index]) {
                exponent = exponent * 10 + Int(digit)
                // BigDecimal rejects exponents outside the Int32 range.
                guard exponent <= Int(Int32.max) else { return nil }
                index += 1
            }
            guard index > exponentStart else { return nil }
            if exponentIsNegative { exponent = -exponent }
        }
        guard index == count else { return nil }

        scale = fractionCount - exponent
        // BigDecimal rejects a scale outside the Int32 range too.
        guard scale >= Int(Int32.min), scale <= Int(Int32.max) else { return nil }
        strippedScale = isZero ? 0 : scale - trailingZeros
        significand = overflow ? nil : value
    }

    /// Whether the value has no fractional part.
    var isIntegral: Bool { strippedScale <= 0 }

    /// The exact value as a 64-bit integer, or `nil` if it has a fractional part or does not fit
    /// (`BigDecimal.longValueExact()`).
    var int64: Int64? {
        guard isIntegral else { return nil }
        if isZero { return 0 }
        guard var magnitude = significand else { return nil }
        for _ in 0..<(-strippedScale) {
            let (product, overflow) = magnitude.multipliedReportingOverflow(by: 10)
            guard !overflow else { return nil }
            magnitude = product
        }
        if isNegative {
            guard magnitude <= UInt64(Int64.max) + 1 else { return nil }
            return Int64(truncatingIfNeeded: 0 &- magnitude)
        }
        guard magnitude <= UInt64(Int64.max) else { return nil }
        return Int64(magnitude)
    }

    /// The nearest `Double` to the number written in `bytes`, or `nil` if it is infinite.
    /// - Parameter bytes: The same bytes the number was parsed from.
    /// - Returns: A finite double; negative zero becomes zero, as `BigDecimal.doubleValue()` gives.
    static func double(from bytes: UnsafeBufferPointer<UInt8>) -> Double? {
        // The syntax was checked already, so the standard library parser sees only decimal forms.
        let text = String(decoding: bytes, as: UTF8.self)
        let value = bytes.contains(UInt8(ascii: ",")) ? Double(text.replacing(",", with: ".")) : Double(text)
        guard let value, value.isFinite else { return nil }
        return value == 0 ? 0 : value
    }

    private static func digit(_ byte: UInt8) -> UInt8? {
        let digit = byte &- UInt8(ascii: "0")
        return digit < 10 ? digit : nil
    }
}
