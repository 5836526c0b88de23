extension CSVScanner {
    /// Runs the state machine over one chunk (after the byte order mark has been dealt with).
    ///
    /// At the start of a record it first tries ``scanSimpleRecord(_:from:end:_:)``, which handles a
    /// whole unquoted record lying inside the chunk without copying it; anything else goes byte by
    /// byte through the states, buffering field bytes in ``bytes``.
    mutating func scan(_ input: UnsafeBufferPointer<UInt8>, _ onRecord: (CSVRecord) throws -> Void) throws {
        guard let base = input.baseAddress else { return }
        let end = input.count
        let delimiter = self.delimiter
        var i = 0
        while i < end {
            switch state {
            case .recordStart:
                let byte = base[i]
                if byte == Self.lf {
                    if !previousWasCR { line += 1 }
                    previousWasCR = false
                    i += 1
                } else if byte == Self.cr {
                    line += 1
                    previousWasCR = true
                    i += 1
                } else {
                    previousWasCR = false
                    recordLine = line
                    if let next = try scanSimpleRecord(base, from: i, end: end, onRecord) {
                        i = next
                    } else {
                        state = .fieldStart
                    }
                }

            case .fieldStart:
                let byte = base[i]
                if byte == Self.quote {
                    state = .quoted
                    quoteLine = line
                    i += 1
                } else if byte == delimiter {
                    try endFieldAtDelimiter()
                    i += 1
                } else if byte == Self.cr || byte == Self.lf {
                    fieldEnds.append(bytes.count)
                    endLine(with: byte)
                    try endRecord(onRecord)
                    i += 1
                } else {
                    state = .unquoted
                }

            case .unquoted:
                var j = i
                var seen: UInt8 = 0
                while j < end {
                    let byte = base[j]
                    if byte == delimiter || byte == Self.quote || byte == Self.cr || byte == Self.lf { break }
                    seen |= byte
                    j += 1
                }
                highBits |= seen
                try append(base + i, count: j - i)
                i = j
                guard j < end else { break }
                let byte = base[j]
                i += 1
                if byte == delimiter {
                    try endFieldAtDelimiter()
                    state = .fieldStart
                } else if byte == Self.quote {
                    throw CSVError.unexpectedQuote(record: recordCount + 1, line: line, column: fieldEnds.count + 1)
                } else {
                    fieldEnds.append(bytes.count)
                    endLine(with: byte)
                    try endRecord(onRecord)
                }

            case .quoted:
                var j = i
                var seen: UInt8 = 0
                var previousWasCR = self.previousWasCR
                var lines = 0
                while j < end {
                    let byte = base[j]
                    if byte == Self.quote { break }
                    if byte == Self.cr || (byte == Self.lf && !previousWasCR) { lines += 1 }
                    previousWasCR = byte == Self.cr
                    seen |= byte
                    j += 1
                }
                self.previousWasCR = previousWasCR
                highBits |= seen
                try append(base + i, count: j - i)
                line += lines
                if j < end {
                    state = .quoteInQuoted
                    self.previousWasCR = false
                    i = j + 1
                } else {
                    i = j
                }

            case .quoteInQuoted, .afterClosingQuote:
                let byte = base[i]
                i += 1
                if byte == Self.quote && state == .quoteInQuoted {
                    // `""` inside a quoted field: one literal quote.
                    try append(base + i - 1, count: 1)
                    state = .quoted
                } else if byte == delimiter {
                    try endFieldAtDelimiter()
                    state = .fieldStart
                } else if byte == Self.cr || byte == Self.lf {
                    fieldEnds.append(bytes.count)
                    endLine(with: byte)
                    try endRecord(onRecord)
                } else if byte == Self.space || byte == Self.tab {
                    state = .afterClosingQuote
                } else {
                    throw CSVError.characterAfterClosingQuote(
                        record: recordCount + 1,
                        line: line,
                        column: fieldEnds.count + 1
                    )
                }
            }
        }
    }

    /// Appends field bytes to ``bytes``, enforcing the field and record limits before buffering.
    @inline(__always)
    private mutating func append(_ start: UnsafePointer<UInt8>, count: Int) throws {
        guard count > 0 else { return }
        let fieldCount = bytes.count - (fieldEnds.last ?? 0) + count
        if fieldCount > limits.maxFieldBytes {
            // Report where the field starts, which does not depend on how the input was chunked.
            throw CSVError.fieldTooLarge(
                record: recordCount + 1,
                line: state == .unquoted ? line : quoteLine,
                column: fieldEnds.count + 1,
                limit: limits.maxFieldBytes
            )
        }
        if bytes.count + count > limits.maxRecordBytes {
            throw CSVError.recordTooLarge(record: recordCount + 1, line: recordLine, limit: limits.maxRecordBytes)
        }
        bytes.append(contentsOf: UnsafeBufferPointer(start: start, count: count))
    }

    /// Closes the current field at a delimiter, refusing to open a field past the limit.
    @inline(__always)
    private mutating func endFieldAtDelimiter() throws {
        fieldEnds.append(bytes.count)
        if fieldEnds.count >= limits.maxFieldsPerRecord {
            throw CSVError.tooManyFields(record: recordCount + 1, line: line, limit: limits.maxFieldsPerRecord)
        }
    }

    /// Consumes the CR or LF that ends a record.
    @inline(__always)
    private mutating func endLine(with byte: UInt8) {
        line += 1
        previousWasCR = byte == Self.cr
        state = .recordStart
    }
}
