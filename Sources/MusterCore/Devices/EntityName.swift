import Foundation

/// The rules every entity name (device, asset, profile) must pass.
package enum EntityName {
    /// The longest name accepted, in characters (ThingsBoard's `@Length(max = 255)`).
    package static let maxLength = 255

    /// Why a name was refused.
    package enum Failure: Error, Equatable, Sendable {
        case empty
        case tooLong(limit: Int)
        case controlCharacters
        case templateSyntax
    }

    /// The name as stored: leading and trailing white space (Unicode `White_Space`, as
    /// `CharacterSet.whitespacesAndNewlines`) removed. Every path that names a device or asset (REST, bulk
    /// import, import jobs, provisioning) stores this form, so that `"  spaced  "` and `"spaced"` are one name.
    package static func trimmed(_ name: String) -> String {
        name.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// ``trimmed(_:)``, then ``validate(_:)``.
    /// - Throws: ``Failure`` as ``validate(_:)`` does for the trimmed name.
    package static func normalized(_ name: String) throws(Failure) -> String {
        try validate(trimmed(name))
    }

    /// Checks `name` and returns it unchanged.
    /// - Throws: ``Failure`` for a blank name, one over 255 characters, one with control characters, or `{{…}}`.
    @discardableResult
    package static func validate(_ name: String) throws(Failure) -> String {
        guard !name.allSatisfy(\.isWhitespace) else { throw .empty }
        guard name.count <= maxLength else { throw .tooLong(limit: maxLength) }
        guard !name.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F }) else {
            throw .controlCharacters
        }
        if let open = name.range(of: "{{"), name[open.upperBound...].contains("}}") { throw .templateSyntax }
        return name
    }
}
