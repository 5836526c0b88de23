/// A streaming, byte-level RFC 4180 CSV scanner.
///
/// Feed it chunks of any size with ``feed(_:_:)``; it calls back once per complete record and keeps
/// only the bytes of the record in progress, never the file. Call ``finish(_:)`` after the last chunk.
///
/// The format is RFC 4180 as Apache Commons CSV `CSVFormat.DEFAULT` reads it (what ThingsBoard uses):
/// - Fields may be quoted with `"`; inside quotes `""` is one quote, and delimiters, CR and LF are data.
/// - CRLF, LF and a lone CR all end a line.
/// - Empty lines (no bytes between two line endings, including a final trailing newline) are skipped
///   and not counted as records. A line holding only delimiters is a record of empty fields.
/// - A UTF-8 byte order mark at the very start of the stream is skipped.
/// - Spaces and tabs between a closing quote and the next delimiter or line end are ignored, as
///   Commons CSV does. Fields are otherwise not trimmed.
///
/// It is stricter than Commons CSV in one way: a quote inside an unquoted field (`ab"c`) is an error
/// (``CSVError/unexpectedQuote(record:line:column:)``) rather than a literal quote.
///
/// Field bytes are validated as UTF-8 once per record, and each field becomes one `String`.
/// After the scanner throws a ``CSVError`` it rethrows that error on every later call. If `onRecord`
/// throws, the error propagates and the rest of that chunk is not scanned; discard the scanner then.
package struct CSVScanner: Sendable {
    // The state is internal, not private, so that `CSVScanner+StateMachine.swift` and
    // `CSVScanner+Records.swift` can reach it.

    enum State: UInt8, Sendable {
        /// At the start of a physical line, with no byte of a record seen yet.
        case recordStart
        /// At the start of a field after a delimiter (or at the first byte of a record).
        case fieldStart
        /// Inside an unquoted field.
        case unquoted
        /// Inside a quoted field.
        case quoted
        /// Just after a `"` inside a quoted field: either the first half of `""` or the closing quote.
        case quoteInQuoted
        /// After a closing quote and at least one space or tab.
        case afterClosingQuote
    }

    static let quote = UInt8(ascii: "\"")
    static let cr = UInt8(ascii: "\r")
    static let lf = UInt8(ascii: "\n")
    static let space = UInt8(ascii: " ")
    static let tab = UInt8(ascii: "\t")
    private static let byteOrderMark: [UInt8] = [0xEF, 0xBB, 0xBF]

    let delimiter: UInt8
    let limits: CSVLimits

    var state = State.recordStart
    /// The unquoted bytes of every field of the record in progress, back to back.
    var bytes: [UInt8] = []
    /// The end offset in ``bytes`` of each completed field of the record in progress.
    var fieldEnds: [Int] = []
    /// The bitwise OR of every byte in ``bytes``; below 0x80 means the record is pure ASCII.
    var highBits: UInt8 = 0
    /// The 1-based physical line of the next byte.
    var line = 1
    /// Whether the last byte consumed was a CR, so that a following LF does not start another line.
    var previousWasCR = false
    /// The physical line on which the record in progress starts.
    var recordLine = 1
    /// The physical line of the opening quote of the quoted field in progress.
    var quoteLine = 1
    /// How many records have been passed to `onRecord`.
    var recordCount = 0
    /// How many leading bytes of the stream matched the byte order mark; `nil` once decided.
    var byteOrderMarkMatched: Int? = 0
    /// The error this scanner threw, rethrown on every later call.
    var failure: CSVError?

    /// Creates a scanner.
    /// - Parameters:
    ///   - delimiter: The field separator, a single ASCII byte other than `"`, CR and LF (e.g. `,`, `;`,
    ///     `|` or tab). Check user input with ``isValidDelimiter(_:)`` first.
    ///   - limits: The size caps to enforce.
    package init(delimiter: UInt8, limits: CSVLimits = .init()) {
        precondition(Self.isValidDelimiter(delimiter), "a CSV delimiter must be ASCII and not a quote, CR or LF")
        self.delimiter = delimiter
        self.limits = limits
    }

    /// Whether `byte` can be a delimiter: an ASCII byte other than `"`, CR and LF.
    /// - Parameter byte: The candidate delimiter.
    /// - Returns: `true` if ``init(delimiter:limits:)`` accepts it.
    package static func isValidDelimiter(_ byte: UInt8) -> Bool {
        byte < 0x80 && byte != quote && byte != cr && byte != lf
    }

    /// Scans the next chunk of the stream, which may end anywhere (inside a quoted field, between CR
    /// and LF, inside a UTF-8 sequence or the byte order mark).
    /// - Parameters:
    ///   - chunk: The next bytes of the file.
    ///   - onRecord: Called for each record completed by this chunk, in order.
    /// - Throws: A ``CSVError`` for malformed input or an exceeded limit, or what `onRecord` throws.
    package mutating func feed(_ chunk: some Collection<UInt8>, _ onRecord: (CSVRecord) throws -> Void) throws {
        if let failure { throw failure }
        let done: Void? = try chunk.withContiguousStorageIfAvailable { buffer in
            try self.feed(buffer: buffer, onRecord)
        }
        if done == nil {
            let copy = Array(chunk)
            try copy.withUnsafeBufferPointer { buffer in
                try self.feed(buffer: buffer, onRecord)
            }
        }
    }

    /// Ends the stream: emits the last record if the file does not end with a line break.
    /// - Parameter onRecord: Called for the last record, if any.
    /// - Throws: ``CSVError/unterminatedQuote(record:line:)`` if the file ends inside a quoted field,
    ///   another ``CSVError`` for the last record, or what `onRecord` throws.
    package mutating func finish(_ onRecord: (CSVRecord) throws -> Void) throws {
        if let failure { throw failure }
        do {
            if let matched = byteOrderMarkMatched {
                // The stream was shorter than a byte order mark: its bytes are data.
                byteOrderMarkMatched = nil
                try Self.byteOrderMark[..<matched].withUnsafeBufferPointer { try scan($0, onRecord) }
            }
            switch state {
            case .recordStart:
                return
            case .quoted:
                throw CSVError.unterminatedQuote(record: recordCount + 1, line: quoteLine)
            case .fieldStart, .unquoted, .quoteInQuoted, .afterClosingQuote:
                fieldEnds.append(bytes.count)
                state = .recordStart
                try endRecord(onRecord)
            }
        } catch let error as CSVError {
            failure = error
            throw error
        }
    }

    private mutating func feed(
        buffer: UnsafeBufferPointer<UInt8>,
        _ onRecord: (CSVRecord) throws -> Void
    ) throws {
        do {
            var input = buffer
            if let matched = byteOrderMarkMatched {
                var matched = matched
                while matched < 3, let byte = input.first {
                    guard byte == Self.byteOrderMark[matched] else { break }
                    matched += 1
                    input = UnsafeBufferPointer(rebasing: input.dropFirst())
                }
                if matched == 3 {
                    byteOrderMarkMatched = nil
                } else if input.isEmpty {
                    byteOrderMarkMatched = matched  // The chunk ended inside a possible byte order mark.
                    return
                } else {
                    // Not a byte order mark: the bytes matched so far are data.
                    byteOrderMarkMatched = nil
                    try Self.byteOrderMark[..<matched].withUnsafeBufferPointer { try scan($0, onRecord) }
                }
            }
            try scan(input, onRecord)
        } catch let error as CSVError {
            failure = error
            throw error
        }
    }
}
