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
    /// A provisioning request's `hash` is not a base64 or PEM X.509 certificate.
    case certificateNotDecodable
    /// An access token holds white space or `/` (which the HTTP and CoAP device APIs cannot carry in a path).
    case accessTokenCharacters
    case unsupportedType(CredentialsType)
    /// Another device already holds these credentials.
    case alreadyAssigned
}
