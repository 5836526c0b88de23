import Foundation

/// One CSV row, checked and turned into what it writes. Empty cells are absent (`nil` / not listed).
package struct ImportRow: Sendable {
    /// The record number (ThingsBoard's "Line N": the header is 1).
    package var line: Int
    /// The row's cells as read, for the errors CSV.
    package var cells: [String]
    package var name: String
    /// The TYPE cell: the profile's name.
    package var profileName: String?
    /// The profile resolved from ``profileName`` by the importer.
    package var profile: ProfileReference?
    package var label: String?
    package var description: String?
    package var gateway: Bool?
    /// Credentials named by the row (devices only); `nil` keeps an existing device's credentials.
    package var credentials: CredentialsMaterial?
    /// Credentials for a new device whose row names none (a random access token).
    package var generatedCredentials: CredentialsMaterial?
    package var attributes: [ImportKeyValue]
    package var telemetry: [ImportKeyValue]
    /// Ids for the entity and its credentials, used when the row creates them.
    package var newEntityId: UUID
    package var newCredentialsId: UUID

    package init(
        line: Int, cells: [String], name: String, newEntityId: UUID, newCredentialsId: UUID, profileName: String? = nil,
        label: String? = nil, description: String? = nil, gateway: Bool? = nil, credentials: CredentialsMaterial? = nil,
        attributes: [ImportKeyValue] = [], telemetry: [ImportKeyValue] = []
    ) {
        self.line = line
        self.cells = cells
        self.name = name
        self.newEntityId = newEntityId
        self.newCredentialsId = newCredentialsId
        self.profileName = profileName
        self.label = label
        self.description = description
        self.gateway = gateway
        self.credentials = credentials
        self.attributes = attributes
        self.telemetry = telemetry
    }
}

/// One attribute or telemetry value of a row.
package struct ImportKeyValue: Sendable, Hashable {
    /// The attribute scope; `nil` for telemetry.
    package var scope: AttributeScope?
    package var key: String
    package var value: AttributeValue

    package init(scope: AttributeScope?, key: String, value: AttributeValue) {
        self.scope = scope
        self.key = key
        self.value = value
    }
}

/// Why a row was not applied. The description is the text after "Line N: ".
package enum ImportRowError: Error, Equatable, Sendable {
    case tooManyCells(count: Int, columns: Int)
    case emptyName
    case invalidName(EntityName.Failure)
    case invalidProfileName(EntityName.Failure)
    case invalidValue(column: Int, key: String, ValueConversionError)
    case invalidCredentials(CredentialsError)
    case duplicateName(firstLine: Int)
    case duplicateCredentials(firstLine: Int)
    case alreadyExists(ImportEntityType, name: String)
    case credentialsTaken
}

extension ImportRowError: CustomStringConvertible {
    package var description: String {
        switch self {
        case .tooManyCells(let count, let columns): return "the row has \(count) cells but the mapping has \(columns) columns"
        case .emptyName: return "the name is empty"
        case .invalidName(let failure): return "invalid name: \(Self.describe(failure))"
        case .invalidProfileName(let failure): return "invalid type: \(Self.describe(failure))"
        case .invalidValue(let column, let key, let error): return "column \(column) (\(key)): \(error)"
        case .invalidCredentials(let error): return "invalid credentials: \(Self.describe(error))"
        case .duplicateName(let firstLine): return "duplicate of line \(firstLine) (same name)"
        case .duplicateCredentials(let firstLine): return "the same credentials as line \(firstLine)"
        case .alreadyExists(let type, let name):
            return "\(type == .device ? "device" : "asset") '\(name)' already exists (update is off)"
        case .credentialsTaken: return "the credentials are already assigned to another device"
        }
    }

    private static func describe(_ failure: EntityName.Failure) -> String {
        switch failure {
        case .empty: return "it is empty"
        case .tooLong(let limit): return "it is longer than \(limit) characters"
        case .controlCharacters: return "it contains control characters"
        case .templateSyntax: return "it contains '{{' and '}}'"
        }
    }

    private static func describe(_ error: CredentialsError) -> String {
        switch error {
        case .typeNotSpecified: return "no credentials type"
        case .credentialsIdNotSpecified: return "the access token is empty"
        case .controlCharacters(let field): return "\(field) contains control characters"
        case .invalidMQTTBasicBody: return "the MQTT credentials are malformed"
        case .clientIdAndUserNameEmpty: return "MQTT client id and user name are both empty"
        case .passwordWithClientIdOnly: return "an MQTT password needs a user name"
        case .certificateNotDecodable: return "the certificate is not a PEM or base64 X.509 certificate"
        case .accessTokenCharacters: return "the access token contains white space or '/'"
        case .certificateNotSpecified: return "the certificate is empty"
        case .unsupportedType(let type): return "\(type.rawValue) is not supported"
        case .alreadyAssigned: return "the credentials are already assigned to another device"
        }
    }
}
