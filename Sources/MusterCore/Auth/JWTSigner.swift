import Crypto
import Foundation

/// Signs and verifies HS512 JSON Web Tokens with the installation's key.
package struct JWTSigner: Sendable {
    private let key: SymmetricKey

    package init(keyBytes: [UInt8]) {
        self.key = SymmetricKey(data: keyBytes)
    }

    /// A compact JWT carrying `claims` (a JSON object).
    package func sign(_ claims: JSONValue) -> String {
        let header = Self.base64URL(Array(#"{"alg":"HS512","typ":"JWT"}"#.utf8))
        let payload = Self.base64URL(Array(claims.serialized.utf8))
        let signingInput = header + "." + payload
        let mac = HMAC<SHA512>.authenticationCode(for: Array(signingInput.utf8), using: key)
        return signingInput + "." + Self.base64URL(Array(mac))
    }

    /// The claims of `token` when its signature is valid.
    /// - Throws: ``AuthError/invalidToken`` for a malformed token or a bad signature.
    package func verify(_ token: String) throws(AuthError) -> JSONValue {
        let parts = token.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 3, let mac = Self.decodeBase64URL(parts[2]) else { throw .invalidToken }
        let signingInput = Array("\(parts[0]).\(parts[1])".utf8)
        guard HMAC<SHA512>.isValidAuthenticationCode(mac, authenticating: signingInput, using: key) else {
            throw .invalidToken
        }
        guard let payload = Self.decodeBase64URL(parts[1]), let claims = try? JSONParser.parse(payload),
            claims.objectValue != nil
        else { throw .invalidToken }
        return claims
    }

    private static func base64URL(_ bytes: [UInt8]) -> String {
        Data(bytes).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-")
            .replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }

    private static func decodeBase64URL(_ text: Substring) -> [UInt8]? {
        var base64 = text.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        while base64.count % 4 != 0 { base64 += "=" }
        return Data(base64Encoded: base64).map(Array.init)
    }
}
