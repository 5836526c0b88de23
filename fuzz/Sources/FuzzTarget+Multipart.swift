import MusterHTTP

extension FuzzTarget {
    /// The import upload's multipart reader, as `POST /api/imports` drives it. The input's first line is the request's
    /// Content-Type (the boundary is taken from it as the route does); the next byte seeds the chunk sizes; the rest is
    /// the body, fed in chunks of 1 to 64 bytes. Invariant: the chunking changes nothing — the same body fed whole
    /// gives the same parts, the same bytes and the same outcome.
    static func multipartReader(_ bytes: UnsafeBufferPointer<UInt8>) {
        guard let newline = bytes.firstIndex(of: 10), newline + 1 < bytes.count else { return }
        let contentType = String(decoding: bytes[..<newline], as: UTF8.self)
        guard let boundary = MultipartReader.boundary(contentType: contentType) else { return }
        let seed = Int(bytes[newline + 1])
        let body = Array(bytes[(newline + 2)...])

        var chunks: [ArraySlice<UInt8>] = []
        var start = 0
        var step = seed
        while start < body.count {
            step = (step &* 31 &+ 7) & 0xFF
            let end = min(body.count, start + 1 + step % 64)
            chunks.append(body[start..<end])
            start = end
        }
        let whole = multipartOutcome(boundary: boundary, chunks: [body[...]])
        let chunked = multipartOutcome(boundary: boundary, chunks: chunks)
        guard whole == chunked else {
            fatalError("the multipart reader's outcome depends on the chunking: \(whole) vs \(chunked)")
        }
    }

    /// What a multipart body reads as: its events (adjacent data merged) and how it ended.
    private struct MultipartOutcome: Equatable, CustomStringConvertible {
        var events: [MultipartReader.Event] = []
        var failure: MultipartReader.Failure?

        var description: String { "\(events.count) events, \(failure.map { "\($0)" } ?? "finished")" }
    }

    /// Feeds `chunks` to a reader with a small header limit (to reach it within the fuzzer's input size).
    private static func multipartOutcome(boundary: String, chunks: [ArraySlice<UInt8>]) -> MultipartOutcome {
        var reader = MultipartReader(boundary: boundary, maxHeaderBytes: 512)
        var outcome = MultipartOutcome()
        do throws(MultipartReader.Failure) {
            for chunk in chunks {
                for event in try reader.feed(chunk) {
                    if case .partData(let more) = event, case .partData(let bytes)? = outcome.events.last {
                        outcome.events[outcome.events.count - 1] = .partData(bytes + more)
                    } else {
                        outcome.events.append(event)
                    }
                }
            }
            try reader.finish()
        } catch {
            // Events of a failing feed are not delivered, so only the failure is compared.
            return MultipartOutcome(events: [], failure: error)
        }
        return outcome
    }
}
