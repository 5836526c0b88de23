import Foundation

/// A streaming `multipart/form-data` parser (RFC 7578): fed the body chunk by chunk, it reports each part's
/// headers and then its bytes as they arrive, holding at most one delimiter's worth of bytes back. It never
/// buffers a part's body.
package struct MultipartReader {
    /// What the reader found in the bytes fed so far.
    package enum Event: Equatable {
        /// A part begins; `name` and `filename` come from its Content-Disposition.
        case partStart(name: String, filename: String?)
        case partData([UInt8])
        case partEnd
    }

    package enum Failure: Error, Equatable {
        case missingBoundary
        case headersTooLarge(limit: Int)
        case malformedHeaders
        case unexpectedEnd
        /// A boundary delimiter not followed by CRLF or `--` (the boundary appears inside a part).
        case malformedDelimiter
    }

    private enum State {
        case preamble
        case headers
        case body
        case epilogue
    }

    private let firstDelimiter: [UInt8]
    private let delimiter: [UInt8]
    private let maxHeaderBytes: Int
    private var state = State.preamble
    private var buffer: [UInt8] = []

    /// - Parameters:
    ///   - boundary: The `boundary` parameter of the Content-Type.
    ///   - maxHeaderBytes: The largest header block of a part (before its blank line), however the body is chunked.
    package init(boundary: String, maxHeaderBytes: Int = 16 * 1024) {
        firstDelimiter = Array("--\(boundary)".utf8)
        delimiter = Array("\r\n--\(boundary)".utf8)
        self.maxHeaderBytes = maxHeaderBytes
    }

    /// The boundary of a `multipart/form-data` Content-Type, or `nil`.
    package static func boundary(contentType: String) -> String? {
        let parts = contentType.split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces) }
        guard parts.first?.lowercased() == "multipart/form-data" else { return nil }
        for part in parts.dropFirst() where part.lowercased().hasPrefix("boundary=") {
            var value = String(part.dropFirst("boundary=".count))
            if value.hasPrefix("\""), value.hasSuffix("\""), value.count >= 2 { value = String(value.dropFirst().dropLast()) }
            return value.isEmpty || value.utf8.count > 70 ? nil : value
        }
        return nil
    }

    /// Parses `chunk` and returns the events it completes.
    package mutating func feed(_ chunk: some Collection<UInt8>) throws(Failure) -> [Event] {
        buffer.append(contentsOf: chunk)
        var events: [Event] = []
        while try step(&events) {}
        return events
    }

    /// Checks that the body ended after the closing delimiter.
    package func finish() throws(Failure) {
        guard case .epilogue = state else { throw state == .preamble ? .missingBoundary : .unexpectedEnd }
    }

    /// Advances by one state transition if the buffer allows; returns whether it did.
    private mutating func step(_ events: inout [Event]) throws(Failure) -> Bool {
        switch state {
        case .preamble:
            guard let start = find(firstDelimiter, in: buffer) else {
                if buffer.count > firstDelimiter.count { buffer.removeFirst(buffer.count - firstDelimiter.count) }
                return false
            }
            let after = start + firstDelimiter.count
            guard buffer.count >= after + 2 else { return false }
            if buffer[after] == UInt8(ascii: "-"), buffer[after + 1] == UInt8(ascii: "-") {
                state = .epilogue
                buffer.removeAll()
                return false
            }
            buffer.removeFirst(after)
            state = .headers
            return true
        case .headers:
            let terminator: [UInt8] = [13, 10, 13, 10]
            // The limit holds for the header block however the body is chunked: a terminator starting within it
            // would be in a buffer this long.
            guard let end = find(terminator, in: buffer) else {
                if buffer.count >= maxHeaderBytes + terminator.count { throw .headersTooLarge(limit: maxHeaderBytes) }
                return false
            }
            guard end <= maxHeaderBytes else { throw .headersTooLarge(limit: maxHeaderBytes) }
            let text = String(decoding: buffer[..<end], as: UTF8.self)
            buffer.removeFirst(end + terminator.count)
            let (name, filename) = try Self.disposition(text)
            events.append(.partStart(name: name, filename: filename))
            state = .body
            return true
        case .body:
            if let end = find(delimiter, in: buffer) {
                if end > 0 { events.append(.partData(Array(buffer[..<end]))) }
                events.append(.partEnd)
                let after = end + delimiter.count
                guard buffer.count >= after + 2 else {
                    // Keep the delimiter so it is found again once the next two bytes arrive.
                    buffer.removeFirst(end)
                    events.removeLast()
                    return false
                }
                if buffer[after] == UInt8(ascii: "-"), buffer[after + 1] == UInt8(ascii: "-") {
                    state = .epilogue
                    buffer.removeAll()
                    return false
                }
                guard buffer[after] == 13, buffer[after + 1] == 10 else { throw .malformedDelimiter }
                buffer.removeFirst(after + 2)
                state = .headers
                return true
            }
            let keep = delimiter.count + 1
            if buffer.count > keep {
                events.append(.partData(Array(buffer[..<(buffer.count - keep)])))
                buffer.removeFirst(buffer.count - keep)
            }
            return false
        case .epilogue:
            buffer.removeAll()
            return false
        }
    }

    /// The `name` and `filename` of a part's Content-Disposition.
    private static func disposition(_ headers: String) throws(Failure) -> (String, String?) {
        for line in headers.split(separator: "\r\n") {
            let pieces = line.split(separator: ":", maxSplits: 1)
            guard pieces.count == 2, pieces[0].trimmingCharacters(in: .whitespaces).lowercased() == "content-disposition" else { continue }
            var name: String?
            var filename: String?
            for parameter in pieces[1].split(separator: ";").dropFirst() {
                let pair = parameter.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
                guard pair.count == 2 else { continue }
                var value = pair[1]
                if value.hasPrefix("\""), value.hasSuffix("\""), value.count >= 2 { value = String(value.dropFirst().dropLast()) }
                switch pair[0].lowercased() {
                case "name": name = value
                case "filename": filename = value
                default: break
                }
            }
            guard let name else { throw .malformedHeaders }
            return (name, filename)
        }
        throw .malformedHeaders
    }

    /// The first index of `needle` in `haystack`.
    private func find(_ needle: [UInt8], in haystack: [UInt8]) -> Int? {
        guard let first = needle.first, haystack.count >= needle.count else { return nil }
        var index = 0
        let last = haystack.count - needle.count
        return haystack.withUnsafeBufferPointer { bytes -> Int? in
            while index <= last {
                if bytes[index] == first {
                    var match = true
                    for offset in 1..<needle.count where bytes[index + offset] != needle[offset] {
                        match = false
                        break
                    }
                    if match { return index }
                }
                index += 1
            }
            return nil
        }
    }
}
