import MusterCoAPCodec
import NIOCore

extension UDPTestSocket {
    /// Sends a message.
    func send(_ message: CoAPMessage) {
        send(Array(message.encoded().readableBytesView))
    }

    /// The next message, or `nil` after the timeout.
    func receive() throws -> CoAPMessage? {
        guard let bytes = receiveBytes() else { return nil }
        var buffer = ByteBuffer(bytes: bytes)
        return try CoAPMessage.decode(from: &buffer)
    }
}
