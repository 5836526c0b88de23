import NIOCore

extension CoAPMessage {
    /// Decodes one datagram.
    ///
    /// The whole readable region is the message: the size cap is checked before anything is read, and on
    /// success the buffer is fully consumed. On failure the reader index is left where it was. Option values
    /// and the payload are slices of `buffer`; nothing is copied.
    ///
    /// Registered options are checked against ``CoAPOptionNumber/format``: an elective option with a bad
    /// length or an elective non-repeatable repeat is dropped, a critical one is an error (RFC 7252 §5.4.3,
    /// §5.4.5). Unregistered options are kept as they are.
    ///
    /// - Parameters:
    ///   - buffer: The datagram.
    ///   - maxSize: The largest datagram accepted, 1152 bytes by default (RFC 7252 §4.6).
    /// - Returns: The message.
    /// - Throws: ``CoAPDecodeError`` naming the first problem found.
    package static func decode(
        from buffer: inout ByteBuffer,
        maxSize: Int = CoAPMessage.defaultMaximumSize
    ) throws(CoAPDecodeError) -> CoAPMessage {
        let size = buffer.readableBytes
        guard size <= maxSize else { throw .messageTooLarge(size: size, limit: maxSize) }
        var reader = buffer
        guard let first = reader.readInteger(as: UInt8.self),
            let codeByte = reader.readInteger(as: UInt8.self),
            let messageID = reader.readInteger(as: UInt16.self)
        else { throw .tooShort(size: size) }

        let version = first >> 6
        guard version == Self.version else { throw .unsupportedVersion(version) }
        let tokenLength = first & 0x0F
        guard tokenLength <= 8 else { throw .tokenTooLong(tokenLength) }
        let type = CoAPMessageType(rawValue: (first >> 4) & 0x03)!  // two bits always name a type
        let code = CoAPCode(rawValue: codeByte)
        if code.isEmpty {
            guard tokenLength == 0, reader.readableBytes == 0 else { throw .emptyMessageWithContent }
        }

        guard let tokenBytes = reader.readBytes(length: Int(tokenLength)) else {
            throw .truncatedToken(length: Int(tokenLength), available: reader.readableBytes)
        }
        let token = CoAPToken(bytes: tokenBytes)!  // tokenLength <= 8 was checked above

        var options: [CoAPOption] = []
        let payload = try Self.decodeOptions(from: &reader, into: &options)
        buffer = reader
        return CoAPMessage(
            type: type,
            code: code,
            messageID: messageID,
            token: token,
            options: options,
            payload: payload
        )
    }

    /// Reads the options and the payload after the token.
    private static func decodeOptions(
        from reader: inout ByteBuffer,
        into options: inout [CoAPOption]
    ) throws(CoAPDecodeError) -> ByteBuffer {
        var number: UInt16 = 0
        while let byte = reader.readInteger(as: UInt8.self) {
            if byte == 0xFF {
                guard reader.readableBytes > 0 else { throw .emptyPayloadAfterMarker }
                return reader.readSlice(length: reader.readableBytes)!  // length is readableBytes
            }
            let deltaNibble = byte >> 4
            let lengthNibble = byte & 0x0F
            guard deltaNibble != 15 else { throw .reservedOptionDelta }
            guard let delta = readExtended(deltaNibble, from: &reader) else {
                throw .truncatedOptionDelta(after: number)
            }
            let wideNumber = UInt32(number) + delta
            guard wideNumber <= UInt16.max else { throw .optionNumberTooLarge(wideNumber) }
            number = UInt16(wideNumber)
            guard lengthNibble != 15 else { throw .reservedOptionLength(number: number) }
            guard let length = readExtended(lengthNibble, from: &reader) else {
                throw .truncatedOptionLength(number: number)
            }
            guard let value = reader.readSlice(length: Int(length)) else {
                throw .truncatedOption(number: number, length: Int(length), available: reader.readableBytes)
            }
            let option = CoAPOption(CoAPOptionNumber(number), value: value)
            if try Self.keeps(option, after: options.last) {
                options.append(option)
            }
        }
        return ByteBuffer()
    }

    /// Reads the extended form of a delta or length nibble (RFC 7252 §3.1): 13 adds one byte + 13, 14 adds
    /// two bytes + 269. The caller has ruled out 15.
    /// - Returns: The value, or `nil` when the extension bytes are missing.
    private static func readExtended(_ nibble: UInt8, from reader: inout ByteBuffer) -> UInt32? {
        switch nibble {
        case 13: reader.readInteger(as: UInt8.self).map { UInt32($0) + 13 }
        case 14: reader.readInteger(as: UInt16.self).map { UInt32($0) + 269 }
        default: UInt32(nibble)
        }
    }

    /// Applies the registered format: `true` keeps the option, `false` drops an elective one.
    private static func keeps(_ option: CoAPOption, after previous: CoAPOption?) throws(CoAPDecodeError) -> Bool {
        guard let format = option.number.format else { return true }
        let number = option.number
        let length = option.value.readableBytes
        if !format.isRepeatable, previous?.number == number {
            guard number.isElective else { throw .repeatedOption(number: number.rawValue) }
            return false
        }
        guard length >= format.minimumLength, length <= format.maximumLength else {
            guard number.isElective else { throw .invalidOptionLength(number: number.rawValue, length: length) }
            return false
        }
        // The SZX bits are the low 3 bits of the last byte; an empty value is 0/0/16.
        if number == .block1 || number == .block2, let last = option.value.readableBytesView.last, last & 0x07 == 7 {
            throw .invalidBlockOption(number: number.rawValue)
        }
        return true
    }
}
