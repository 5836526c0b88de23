import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The name a node goes by in its logs (`node` metadata), its audit entries and `GET /api/health`: `node.name`, or
/// `<hostname>:<http port>`, so that the nodes behind one load balancer can be told apart.
package enum NodeName {
    /// The most characters a node name may have.
    package static let maximumLength = 64

    /// Why a configured name cannot be used, or `nil` when it can: it must be 1 to 64 printable characters
    /// (no control or format characters, no white space but the plain space, none at either end).
    package static func problem(_ name: String) -> String? {
        if name.isEmpty { return "must not be empty" }
        if name.count > maximumLength { return "must be at most \(maximumLength) characters" }
        let unprintable = name.unicodeScalars.contains { scalar in
            [.control, .format, .lineSeparator, .paragraphSeparator, .unassigned, .surrogate, .privateUse]
                .contains(scalar.properties.generalCategory) || (scalar.properties.isWhitespace && scalar != " ")
        }
        if unprintable { return "must be printable (no control or format characters, tabs or line breaks)" }
        if name.first == " " || name.last == " " { return "must not start or end with a space" }
        return nil
    }

    /// `<hostname>:<port>`, the hostname cut so that the whole stays within ``maximumLength`` characters.
    package static func `default`(httpPort: Int) -> String {
        let suffix = ":\(httpPort)"
        var host = hostname()
        if host.isEmpty || problem(host) != nil { host = "muster" }
        return String(host.prefix(maximumLength - suffix.count)) + suffix
    }

    /// The owner of this node's import jobs: the configured name, else `<hostname>:<data directory>` (absolute).
    /// Unlike the default name, it does not depend on a port that may be picked at run time: a node interrupts
    /// the jobs it finds under its own owner at start, so two live servers must never share one.
    package static func importJobOwner(configured: String?, dataDirectory: String) -> String {
        if let configured { return configured }
        let host = hostname()
        return "\(host.isEmpty ? "muster" : host):\(URL(fileURLWithPath: dataDirectory).standardizedFileURL.path)"
    }

    /// The machine's hostname (`gethostname`: no name lookup).
    private static func hostname() -> String {
        var buffer = [CChar](repeating: 0, count: 256)
        guard gethostname(&buffer, buffer.count - 1) == 0 else { return "" }
        return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}
