extension CSVScanner {
    /// The fast path: scans a whole record that starts at `start`, if it is simple, straight from the
    /// chunk without copying it.
    ///
    /// A record is simple if it has no quote, ends with CR or LF inside this chunk and is within the
    /// limits. Otherwise nothing is consumed and the caller runs the state machine from `start`,
    /// which finds the same fields (or raises the right error).
    /// - Returns: The index after the record's line ending, or `nil` to fall back.
    @inline(__always)
    mutating func scanSimpleRecord(
        _ base: UnsafePointer<UInt8>,
        from start: Int,
        end: Int,
        _ onRecord: (CSVRecord) throws -> Void
    ) throws -> Int? {
        let delimiter = self.delimiter
        let maxFieldBytes = limits.maxFieldBytes
        let maxFields = limits.maxFieldsPerRecord
        var seen: UInt8 = 0
        var fieldStart = start
        var j = start
        while j < end {
            let byte = base[j]
            // Most bytes are letters or digits, above every special byte but the delimiter.
            if byte > Self.quote && byte != delimiter {
                seen |= byte
                j += 1
                continue
            }
            if byte == delimiter {
                guard j - fieldStart <= maxFieldBytes, fieldEnds.count + 1 < maxFields else { break }
                fieldEnds.append(j - start)
                j += 1
                fieldStart = j
            } else if byte == Self.cr || byte == Self.lf {
                let recordBytes = j - start - fieldEnds.count  // Delimiters are not field bytes.
                guard j - fieldStart <= maxFieldBytes, recordBytes <= limits.maxRecordBytes else { break }
                fieldEnds.append(j - start)
                line += 1
                previousWasCR = byte == Self.cr
                try emitRecord(
                    UnsafeBufferPointer(start: base + start, count: j - start),
                    separator: 1,
                    ascii: seen < 0x80,
                    onRecord
                )
                return j + 1
            } else if byte == Self.quote {
                break
            } else {
                seen |= byte
                j += 1
            }
        }
        fieldEnds.removeAll(keepingCapacity: true)
        return nil
    }

    /// Emits the record buffered by the state machine and resets the buffers.
    mutating func endRecord(_ onRecord: (CSVRecord) throws -> Void) throws {
        let ascii = highBits < 0x80
        highBits = 0
        var buffer: [UInt8] = []
        swap(&buffer, &bytes)  // `emitRecord` mutates `self`, so it cannot read `self.bytes` in place.
        defer {
            // Keep the capacity for the next record, unless a huge record grew it.
            if buffer.capacity <= 64 * 1024 {
                buffer.removeAll(keepingCapacity: true)
                bytes = buffer
            }
        }
        try buffer.withUnsafeBufferPointer { try emitRecord($0, separator: 0, ascii: ascii, onRecord) }
    }

    /// Makes one `String` per field, clears ``fieldEnds`` and calls `onRecord`.
    /// - Parameters:
    ///   - buffer: The record's field bytes.
    ///   - separator: How many bytes lie between two fields in `buffer`: 1 for a delimiter, 0 when
    ///     the fields were buffered back to back.
    ///   - ascii: Whether every byte is below 0x80, so that UTF-8 validation can be skipped.
    private mutating func emitRecord(
        _ buffer: UnsafeBufferPointer<UInt8>,
        separator: Int,
        ascii: Bool,
        _ onRecord: (CSVRecord) throws -> Void
    ) throws {
        let number = recordCount + 1
        var fields: [String] = []
        fields.reserveCapacity(fieldEnds.count)
        var start = 0
        for (index, end) in fieldEnds.enumerated() {
            let field = UnsafeBufferPointer(rebasing: buffer[start..<end])
            if ascii || Self.isValidUTF8(field) {
                fields.append(String(decoding: field, as: UTF8.self))
            } else {
                // Every line break inside a record is quoted data, so the field starts this many lines
                // after the record.
                var line = recordLine
                var fieldStart = 0
                for fieldEnd in fieldEnds[..<index] {
                    line += Self.lineBreaks(in: UnsafeBufferPointer(rebasing: buffer[fieldStart..<fieldEnd]))
                    fieldStart = fieldEnd + separator
                }
                throw CSVError.invalidUTF8(record: number, line: line, column: index + 1)
            }
            start = end + separator
        }
        recordCount = number
        fieldEnds.removeAll(keepingCapacity: true)
        try onRecord(CSVRecord(number: number, line: recordLine, fields: fields))
    }

    /// Whether `bytes` is well-formed UTF-8 (Unicode table 3-7: no overlong forms, no surrogates,
    /// nothing above U+10FFFF, no truncated sequence).
    ///
    /// Written out rather than using `String(validating:as:)`, which needs macOS 15 on Apple platforms.
    private static func isValidUTF8(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        func isContinuation(_ index: Int) -> Bool {
            index < bytes.count && bytes[index] & 0xC0 == 0x80
        }
        func isIn(_ index: Int, _ range: ClosedRange<UInt8>) -> Bool {
            index < bytes.count && range.contains(bytes[index])
        }
        var i = 0
        while i < bytes.count {
            let lead = bytes[i]
            switch lead {
            case 0x00...0x7F:
                i += 1
            case 0xC2...0xDF:
                guard isContinuation(i + 1) else { return false }
                i += 2
            case 0xE0...0xEF:
                let second: ClosedRange<UInt8> = lead == 0xE0 ? 0xA0...0xBF : lead == 0xED ? 0x80...0x9F : 0x80...0xBF
                guard isIn(i + 1, second), isContinuation(i + 2) else { return false }
                i += 3
            case 0xF0...0xF4:
                let second: ClosedRange<UInt8> = lead == 0xF0 ? 0x90...0xBF : lead == 0xF4 ? 0x80...0x8F : 0x80...0xBF
                guard isIn(i + 1, second), isContinuation(i + 2), isContinuation(i + 3) else { return false }
                i += 4
            default:
                return false
            }
        }
        return true
    }

    /// Counts line breaks (CRLF, LF, lone CR) in one field's quoted data, to locate an error.
    private static func lineBreaks(in bytes: UnsafeBufferPointer<UInt8>) -> Int {
        var count = 0
        var previousWasCR = false
        for byte in bytes {
            if byte == cr || (byte == lf && !previousWasCR) { count += 1 }
            previousWasCR = byte == cr
        }
        return count
    }
}
