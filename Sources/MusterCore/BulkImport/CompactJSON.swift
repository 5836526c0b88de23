/// A strict JSON (RFC 8259) validator that returns the text without insignificant whitespace.
///
/// Strings and numbers are copied byte for byte (escapes are not rewritten, numbers not
/// reformatted) and object members keep their order, so the compact text holds exactly the data the
/// cell held. Only objects and arrays are accepted at the top level, because that is what bulk
/// import stores as a JSON value.
package enum CompactJSON {
    /// The deepest nesting of objects and arrays that ``compact(_:maxDepth:)`` accepts by default.
    package static let defaultMaxDepth = 64

    /// Validates a JSON object or array and removes insignificant whitespace.
    /// - Parameters:
    ///   - text: The JSON text; whitespace around the value is allowed.
    ///   - maxDepth: The deepest nesting of objects and arrays accepted.
    /// - Returns: The compact text, e.g. `[1,2]` for `[1, 2]`.
    /// - Throws: ``JSONSyntaxError`` if `text` is not one valid JSON object or array.
    package static func compact(_ text: String, maxDepth: Int = defaultMaxDepth) throws(JSONSyntaxError) -> String {
        var text = text
        let result = text.withUTF8 { bytes -> Result<String, JSONSyntaxError> in
            var parser = Parser(input: bytes, maxDepth: maxDepth)
            do throws(JSONSyntaxError) {
                try parser.parseDocument()
                return .success(String(decoding: parser.output, as: UTF8.self))
            } catch {
                return .failure(error)
            }
        }
        return try result.get()
    }
}

extension CompactJSON {
    /// A recursive-descent parser over UTF-8 bytes that copies significant bytes to ``output``.
    private struct Parser {
        let input: UnsafeBufferPointer<UInt8>
        let maxDepth: Int
        var index = 0
        var output: [UInt8] = []

        init(input: UnsafeBufferPointer<UInt8>, maxDepth: Int) {
            self.input = input
            self.maxDepth = maxDepth
            output.reserveCapacity(input.count)
        }

        mutating func parseDocument() throws(JSONSyntaxError) {
            skipWhitespace()
            guard index < input.count else { throw .unexpectedEnd }
            guard input[index] == UInt8(ascii: "{") || input[index] == UInt8(ascii: "[") else {
                throw .notAnObjectOrArray
            }
            try parseValue(depth: 0)
            skipWhitespace()
            guard index == input.count else { throw .trailingCharacters(offset: index) }
        }

        private mutating func skipWhitespace() {
            while index < input.count {
                switch input[index] {
                case UInt8(ascii: " "), UInt8(ascii: "\t"), UInt8(ascii: "\n"), UInt8(ascii: "\r"):
                    index += 1
                default:
                    return
                }
            }
        }

        private func peek() throws(JSONSyntaxError) -> UInt8 {
            guard index < input.count else { throw .unexpectedEnd }
            return input[index]
        }

        /// Copies the expected byte or throws.
        private mutating func expect(_ byte: UInt8) throws(JSONSyntaxError) {
            guard try peek() == byte else { throw .unexpectedCharacter(offset: index) }
            output.append(byte)
            index += 1
        }

        private mutating func parseValue(depth: Int) throws(JSONSyntaxError) {
            skipWhitespace()
            switch try peek() {
            case UInt8(ascii: "{"):
                try parseContainer(depth: depth + 1, close: UInt8(ascii: "}"), isObject: true)
            case UInt8(ascii: "["):
                try parseContainer(depth: depth + 1, close: UInt8(ascii: "]"), isObject: false)
            case UInt8(ascii: "\""):
                try parseString()
            case UInt8(ascii: "t"):
                try parseLiteral("true")
            case UInt8(ascii: "f"):
                try parseLiteral("false")
            case UInt8(ascii: "n"):
                try parseLiteral("null")
            case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
                try parseNumber()
            default:
                throw .unexpectedCharacter(offset: index)
            }
        }

        /// Parses an object or array whose opening byte is at ``index``.
        private mutating func parseContainer(depth: Int, close: UInt8, isObject: Bool) throws(JSONSyntaxError) {
            guard depth <= maxDepth else { throw .tooDeep(offset: index, limit: maxDepth) }
            output.append(input[index])
            index += 1
            skipWhitespace()
            if try peek() == close {
                output.append(close)
                index += 1
                return
            }
            while true {
                if isObject {
                    skipWhitespace()
                    guard try peek() == UInt8(ascii: "\"") else { throw .unexpectedCharacter(offset: index) }
                    try parseString()
                    skipWhitespace()
                    try expect(UInt8(ascii: ":"))
                }
                try parseValue(depth: depth)
                skipWhitespace()
                let byte = try peek()
                if byte == UInt8(ascii: ",") {
                    output.append(byte)
                    index += 1
                } else if byte == close {
                    output.append(byte)
                    index += 1
                    return
                } else {
                    throw .unexpectedCharacter(offset: index)
                }
            }
        }

        /// Parses a string whose opening quote is at ``index``, copying it verbatim.
        private mutating func parseString() throws(JSONSyntaxError) {
            let start = index
            index += 1
            while true {
                let byte = try peek()
                if byte == UInt8(ascii: "\"") {
                    index += 1
                    break
                } else if byte == UInt8(ascii: "\\") {
                    index += 1
                    switch try peek() {
                    case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"), UInt8(ascii: "b"),
                        UInt8(ascii: "f"), UInt8(ascii: "n"), UInt8(ascii: "r"), UInt8(ascii: "t"):
                        index += 1
                    case UInt8(ascii: "u"):
                        index += 1
                        for _ in 0..<4 {
                            guard Self.isHexDigit(try peek()) else { throw .invalidEscape(offset: index) }
                            index += 1
                        }
                    default:
                        throw .invalidEscape(offset: index)
                    }
                } else if byte < 0x20 {
                    throw .controlCharacterInString(offset: index)
                } else {
                    index += 1
                }
            }
            output.append(contentsOf: UnsafeBufferPointer(rebasing: input[start..<index]))
        }

        private mutating func parseLiteral(_ literal: StaticString) throws(JSONSyntaxError) {
            let bytes = UnsafeBufferPointer(start: literal.utf8Start, count: literal.utf8CodeUnitCount)
            for byte in bytes {
                try expect(byte)
            }
        }

        /// Parses `-? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)?`, copying it verbatim.
        private mutating func parseNumber() throws(JSONSyntaxError) {
            let start = index
            if input[index] == UInt8(ascii: "-") { index += 1 }
            guard index < input.count, Self.isDigit(input[index]) else { throw .invalidNumber(offset: start) }
            if input[index] == UInt8(ascii: "0") {
                index += 1
            } else {
                skipDigits()
            }
            if index < input.count, input[index] == UInt8(ascii: ".") {
                index += 1
                guard index < input.count, Self.isDigit(input[index]) else { throw .invalidNumber(offset: start) }
                skipDigits()
            }
            if index < input.count, input[index] == UInt8(ascii: "e") || input[index] == UInt8(ascii: "E") {
                index += 1
                if index < input.count, input[index] == UInt8(ascii: "+") || input[index] == UInt8(ascii: "-") {
                    index += 1
                }
                guard index < input.count, Self.isDigit(input[index]) else { throw .invalidNumber(offset: start) }
                skipDigits()
            }
            output.append(contentsOf: UnsafeBufferPointer(rebasing: input[start..<index]))
        }

        private mutating func skipDigits() {
            while index < input.count, Self.isDigit(input[index]) { index += 1 }
        }

        private static func isDigit(_ byte: UInt8) -> Bool {
            byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9")
        }

        private static func isHexDigit(_ byte: UInt8) -> Bool {
            isDigit(byte) || (byte | 0x20 >= UInt8(ascii: "a") && byte | 0x20 <= UInt8(ascii: "f"))
        }
    }
}
