/// The 2-bit Type field of a CoAP message (RFC 7252 §3, §4).
package enum CoAPMessageType: UInt8, Hashable, Sendable, CaseIterable, CustomStringConvertible {
    /// Confirmable (CON): the receiver answers with an ACK or a RST.
    case confirmable = 0
    /// Non-confirmable (NON): no acknowledgement.
    case nonConfirmable = 1
    /// Acknowledgement (ACK): acknowledges a CON, empty or carrying a piggy-backed response.
    case acknowledgement = 2
    /// Reset (RST): the CON or NON it matches could not be processed.
    case reset = 3

    /// The RFC's three-letter name: `CON`, `NON`, `ACK` or `RST`.
    package var description: String {
        switch self {
        case .confirmable: "CON"
        case .nonConfirmable: "NON"
        case .acknowledgement: "ACK"
        case .reset: "RST"
        }
    }
}
