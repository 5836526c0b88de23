import NIOCore

// Building: keep options sorted by number, repeats in insertion order.
extension CoAPMessage {
    /// Inserts an option after every option with a number lower than or equal to it, keeping ``options``
    /// sorted and repeats in the order they were added.
    /// - Parameter option: The option to add.
    package mutating func addOption(_ option: CoAPOption) {
        if let last = options.last, last.number > option.number {
            let index = options.firstIndex { $0.number > option.number } ?? options.endIndex
            options.insert(option, at: index)
        } else {
            options.append(option)
        }
    }

    /// Replaces every occurrence of an option number with one value, or removes them when `option` is `nil`.
    /// - Parameters:
    ///   - number: The option number to replace.
    ///   - option: The new option, whose number must be `number`; `nil` removes.
    package mutating func setOption(_ number: CoAPOptionNumber, to option: CoAPOption?) {
        precondition(option.map { $0.number == number } ?? true, "setOption replaces options of one number")
        options.removeAll { $0.number == number }
        if let option { addOption(option) }
    }

    /// The first option with a number.
    /// - Parameter number: The option number.
    /// - Returns: The option, or `nil` when absent.
    package func firstOption(_ number: CoAPOptionNumber) -> CoAPOption? {
        options.first { $0.number == number }
    }

    /// Every option with a number, in order.
    /// - Parameter number: The option number.
    /// - Returns: The options, possibly none.
    package func allOptions(_ number: CoAPOptionNumber) -> [CoAPOption] {
        options.filter { $0.number == number }
    }

    /// The first critical option whose number is not in `recognized`, for a 4.02 Bad Option answer to a
    /// confirmable request (RFC 7252 §5.4.1).
    /// - Parameter recognized: The option numbers the service processes.
    /// - Returns: The first unrecognized critical option number, or `nil`.
    package func firstUnrecognizedCriticalOption(recognized: Set<CoAPOptionNumber>) -> CoAPOptionNumber? {
        options.first { $0.number.isCritical && !recognized.contains($0.number) }?.number
    }
}

// Typed accessors.
extension CoAPMessage {
    /// The Uri-Path segments, one per option, in order (`/api/v1/provision` → `["api", "v1", "provision"]`).
    package var uriPath: [String] {
        get { allOptions(.uriPath).map(\.stringValue) }
        set { setRepeatedStrings(.uriPath, newValue) }
    }

    /// The path as `/a/b/c`, for logs and routing (`/` for no segments).
    package var uriPathString: String { "/" + uriPath.joined(separator: "/") }

    /// The Uri-Query arguments, one per option, raw (`["clientKeys=a,b", "sharedKeys=c"]`).
    package var uriQueryItems: [String] {
        get { allOptions(.uriQuery).map(\.stringValue) }
        set { setRepeatedStrings(.uriQuery, newValue) }
    }

    /// The Uri-Query arguments split at their first `=` and grouped by name; an argument without `=` maps
    /// to `""`. CoAP carries each argument raw, so nothing is percent-decoded.
    package var uriQuery: [String: [String]] {
        var result: [String: [String]] = [:]
        for item in uriQueryItems {
            if let equals = item.firstIndex(of: "=") {
                result[String(item[..<equals]), default: []].append(String(item[item.index(after: equals)...]))
            } else {
                result[item, default: []].append("")
            }
        }
        return result
    }

    /// The Location-Path segments of a 2.01 Created response.
    package var locationPath: [String] {
        get { allOptions(.locationPath).map(\.stringValue) }
        set { setRepeatedStrings(.locationPath, newValue) }
    }

    /// Uri-Host.
    package var uriHost: String? {
        get { firstOption(.uriHost)?.stringValue }
        set { setOption(.uriHost, to: newValue.map { CoAPOption(.uriHost, string: $0) }) }
    }

    /// Uri-Port.
    package var uriPort: UInt16? {
        get { uint(.uriPort).map { UInt16(truncatingIfNeeded: $0) } }
        set { setUInt(.uriPort, newValue.map(UInt32.init)) }
    }

    /// Content-Format of the payload.
    package var contentFormat: CoAPContentFormat? {
        get { uint(.contentFormat).map { CoAPContentFormat(rawValue: UInt16(truncatingIfNeeded: $0)) } }
        set { setUInt(.contentFormat, newValue.map { UInt32($0.rawValue) }) }
    }

    /// Accept: the content format the client wants back.
    package var accept: CoAPContentFormat? {
        get { uint(.accept).map { CoAPContentFormat(rawValue: UInt16(truncatingIfNeeded: $0)) } }
        set { setUInt(.accept, newValue.map { UInt32($0.rawValue) }) }
    }

    /// Observe (RFC 7641): in a GET, 0 registers and 1 deregisters; in a notification, a 24-bit sequence
    /// number.
    package var observe: UInt32? {
        get { uint(.observe) }
        set { setUInt(.observe, newValue.map { $0 & 0xFF_FFFF }) }
    }

    /// Max-Age in seconds (default 60 when absent, RFC 7252 §5.10.5).
    package var maxAge: UInt32? {
        get { uint(.maxAge) }
        set { setUInt(.maxAge, newValue) }
    }

    /// Size1: the whole request body size, announced with Block1 or in a 4.13 answer.
    package var size1: UInt32? {
        get { uint(.size1) }
        set { setUInt(.size1, newValue) }
    }

    /// Size2: the whole response body size.
    package var size2: UInt32? {
        get { uint(.size2) }
        set { setUInt(.size2, newValue) }
    }

    /// The first ETag (a response carries one; a request may carry several, see ``allOptions(_:)``).
    package var eTag: [UInt8]? {
        get { firstOption(.eTag)?.bytesValue }
        set { setOption(.eTag, to: newValue.map { CoAPOption(.eTag, bytes: $0) }) }
    }

    /// Block1 (RFC 7959), or `nil` when absent or malformed (the decoder rejects a malformed one).
    package var block1: CoAPBlockOption? {
        get { block(.block1) }
        set { setUInt(.block1, newValue?.value) }
    }

    /// Block2 (RFC 7959), or `nil` when absent or malformed (the decoder rejects a malformed one).
    package var block2: CoAPBlockOption? {
        get { block(.block2) }
        set { setUInt(.block2, newValue?.value) }
    }

    private func uint(_ number: CoAPOptionNumber) -> UInt32? {
        firstOption(number)?.uintValue
    }

    private func block(_ number: CoAPOptionNumber) -> CoAPBlockOption? {
        guard let option = firstOption(number), option.value.readableBytes <= 3, let value = option.uintValue else {
            return nil
        }
        return CoAPBlockOption(value: value)
    }

    private mutating func setUInt(_ number: CoAPOptionNumber, _ value: UInt32?) {
        setOption(number, to: value.map { CoAPOption(number, uint: $0) })
    }

    private mutating func setRepeatedStrings(_ number: CoAPOptionNumber, _ values: [String]) {
        options.removeAll { $0.number == number }
        for value in values {
            addOption(CoAPOption(number, string: value))
        }
    }
}
