#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A blocking UDP socket connected to the server on loopback, with a receive timeout so a lost reply fails
/// the test instead of hanging it.
final class UDPTestSocket {
    private let descriptor: Int32

    init(port: Int, timeoutSeconds: Int = 5) throws {
        descriptor = socket(AF_INET, Int32(SOCK_DGRAM.rawValue), 0)
        guard descriptor >= 0 else { throw UDPTestSocketError.system("socket") }
        var timeout = timeval(tv_sec: timeoutSeconds, tv_usec: 0)
        setsockopt(descriptor, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        // sockaddr_in for 127.0.0.1:port, written byte by byte (family in host order, port big-endian).
        let family = UInt16(AF_INET)
        let address: [UInt8] =
            [UInt8(family & 0xFF), UInt8(family >> 8), UInt8(port >> 8), UInt8(port & 0xFF), 127, 0, 0, 1]
            + [UInt8](repeating: 0, count: 8)
        let result = address.withUnsafeBytes {
            connect(descriptor, $0.baseAddress!.assumingMemoryBound(to: sockaddr.self), socklen_t(16))
        }
        guard result == 0 else { throw UDPTestSocketError.system("connect") }
    }

    deinit { close(descriptor) }

    /// Sends raw bytes as one datagram.
    func send(_ bytes: [UInt8]) {
        _ = bytes.withUnsafeBytes { Glibc.send(descriptor, $0.baseAddress, $0.count, 0) }
    }

    /// The next datagram's bytes, or `nil` after the timeout.
    func receiveBytes() -> [UInt8]? {
        var buffer = [UInt8](repeating: 0, count: 65_536)
        let count = buffer.withUnsafeMutableBytes { recv(descriptor, $0.baseAddress, $0.count, 0) }
        return count >= 0 ? Array(buffer[0..<count]) : nil
    }
}

enum UDPTestSocketError: Error {
    case system(String)
}
