/// Why credentials were refused. The HTTP mapping turns each case into ThingsBoard's message.
package enum CredentialsError: Error, Equatable, Sendable {
    case typeNotSpecified
    case credentialsIdNotSpecified
    /// A field holds a control character; `field` is its ThingsBoard name (`credentialsId`, `clientId`, …).
    case controlCharacters(field: String)
    case invalidMQTTBasicBody
    case clientIdAndUserNameEmpty
    case passwordWithClientIdOnly
    case certificateNotSpecified
    case unsupportedType(CredentialsType)
    /// Another device already holds these credentials.
    case alreadyAssigned
}
