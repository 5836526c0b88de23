import MusterCore

extension CredentialsError {
    /// ThingsBoard's credentials validation message (spec §4.2), shown by the REST API and in a provisioning
    /// FAILURE's `errorMsg`. Muster's own rules (a certificate that is not one, a token a URL path cannot carry)
    /// have messages in the same style.
    package var thingsBoardMessage: String {
        switch self {
        case .typeNotSpecified: return "Device credentials type should be specified"
        case .credentialsIdNotSpecified: return "Device credentials id should be specified!"
        case .controlCharacters(let field): return "\(field) must not contain control characters!"
        case .invalidMQTTBasicBody: return "Invalid credentials body for simple mqtt credentials!"
        case .clientIdAndUserNameEmpty: return "Both mqtt client id and user name are empty!"
        case .passwordWithClientIdOnly: return "Password cannot be specified along with client id"
        case .certificateNotSpecified: return "Device certificate should be specified!"
        case .certificateNotDecodable: return "Device certificate is not a valid X.509 certificate (PEM or base64 DER)!"
        case .accessTokenCharacters: return "Access token must not contain white space or '/'!"
        case .unsupportedType(let type): return "Credentials type \(type.rawValue) is not supported"
        case .alreadyAssigned: return "Device credentials are already assigned to another device!"
        }
    }
}
