import MusterHTTP
import Testing

@Suite struct MultipartReaderTests {
    static let body = Array((
        "preamble\r\n--XyZ\r\nContent-Disposition: form-data; name=\"mapping\"\r\nContent-Type: application/json\r\n\r\n"
            + "{\"a\":1}\r\n--XyZ\r\nContent-Disposition: form-data; name=\"file\"; filename=\"d.csv\"\r\n\r\n"
            + "name,type\r\n--Xy\r\nx,y\r\n--XyZ--\r\nepilogue"
    ).utf8)

    /// Feeds `bytes` in chunks of `size` and merges consecutive data events.
    private func parse(_ bytes: [UInt8], chunk size: Int) throws -> [MultipartReader.Event] {
        var reader = MultipartReader(boundary: "XyZ")
        var events: [MultipartReader.Event] = []
        var start = 0
        while start < bytes.count {
            let end = min(start + size, bytes.count)
            for event in try reader.feed(bytes[start..<end]) {
                if case .partData(let more) = event, case .partData(let previous)? = events.last {
                    events[events.count - 1] = .partData(previous + more)
                } else {
                    events.append(event)
                }
            }
            start = end
        }
        try reader.finish()
        return events
    }

    @Test(arguments: [1, 2, 3, 7, 16, 64, 4096])
    func partsSurviveEveryChunking(size: Int) throws {
        let events = try parse(Self.body, chunk: size)
        #expect(events == [
            .partStart(name: "mapping", filename: nil), .partData(Array("{\"a\":1}".utf8)), .partEnd,
            .partStart(name: "file", filename: "d.csv"), .partData(Array("name,type\r\n--Xy\r\nx,y".utf8)), .partEnd,
        ])
    }

    /// Fuzz finding (fuzz/findings/multipart/crash-133bc424…): a header block over the limit was refused when it came
    /// in small chunks but accepted when its blank line arrived in the same chunk. The limit now holds either way,
    /// and a block of exactly the limit passes either way.
    @Test(arguments: [1, 5, 64, 100_000])
    func headerLimitDoesNotDependOnChunking(size: Int) throws {
        func body(headerBytes: Int) -> [UInt8] {
            let start = "Content-Disposition: form-data; name=\"file\""
            let header = start + "; x=\"" + String(repeating: "h", count: headerBytes - start.utf8.count - 6) + "\""
            let first = "--XyZ\r\nContent-Disposition: form-data; name=\"mapping\"\r\n\r\n{}\r\n"
            return Array((first + "--XyZ\r\n" + header + "\r\n\r\nrow\r\n--XyZ--\r\n").utf8)
        }
        func read(_ bytes: [UInt8]) throws(MultipartReader.Failure) -> [MultipartReader.Event] {
            var reader = MultipartReader(boundary: "XyZ", maxHeaderBytes: 200)
            var events: [MultipartReader.Event] = []
            var start = 0
            while start < bytes.count {
                let end = min(start + size, bytes.count)
                events += try reader.feed(bytes[start..<end])
                start = end
            }
            try reader.finish()
            return events
        }
        #expect(throws: MultipartReader.Failure.headersTooLarge(limit: 200)) { try read(body(headerBytes: 201)) }
        let events = try read(body(headerBytes: 200))
        #expect(events.contains(.partStart(name: "file", filename: nil)))
        #expect(events.last == .partEnd)
    }

    @Test func boundaryFromContentType() {
        #expect(MultipartReader.boundary(contentType: "multipart/form-data; boundary=abc") == "abc")
        #expect(MultipartReader.boundary(contentType: "Multipart/Form-Data; charset=utf-8; boundary=\"a b\"") == "a b")
        #expect(MultipartReader.boundary(contentType: "application/json") == nil)
        #expect(MultipartReader.boundary(contentType: "multipart/form-data") == nil)
    }

    @Test func truncatedAndMalformedBodies() throws {
        var reader = MultipartReader(boundary: "XyZ")
        _ = try reader.feed(Self.body.prefix(120))
        #expect(throws: MultipartReader.Failure.unexpectedEnd) { try reader.finish() }
        var noBoundary = MultipartReader(boundary: "XyZ")
        _ = try noBoundary.feed(Array("just text".utf8))
        #expect(throws: MultipartReader.Failure.missingBoundary) { try noBoundary.finish() }
        var noName = MultipartReader(boundary: "XyZ")
        #expect(throws: MultipartReader.Failure.malformedHeaders) {
            _ = try noName.feed(Array("--XyZ\r\nContent-Type: text/plain\r\n\r\nx".utf8))
        }
        var boundaryInside = MultipartReader(boundary: "XyZ")
        #expect(throws: MultipartReader.Failure.malformedDelimiter) {
            _ = try boundaryInside.feed(Array("--XyZ\r\nContent-Disposition: form-data; name=\"f\"\r\n\r\nab\r\n--XyZ-x\r\n".utf8))
        }
        var hugeHeaders = MultipartReader(boundary: "XyZ", maxHeaderBytes: 100)
        #expect(throws: MultipartReader.Failure.headersTooLarge(limit: 100)) {
            _ = try hugeHeaders.feed(Array(("--XyZ\r\n" + String(repeating: "h", count: 200)).utf8))
        }
    }
}
