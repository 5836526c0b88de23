/// Compares two byte sequences in time that depends only on their lengths, never on where they differ.
/// Every provision-secret, password and token comparison goes through this function.
/// - Returns: `true` when both hold the same bytes.
package func constantTimeEquals(_ a: some Collection<UInt8>, _ b: some Collection<UInt8>) -> Bool {
    guard a.count == b.count else { return false }
    var difference: UInt8 = 0
    for (left, right) in zip(a, b) { difference |= left ^ right }
    return difference == 0
}

/// Compares two strings' UTF-8 bytes in constant time (see ``constantTimeEquals(_:_:)``).
package func constantTimeEquals(_ a: String, _ b: String) -> Bool {
    constantTimeEquals(Array(a.utf8), Array(b.utf8))
}
