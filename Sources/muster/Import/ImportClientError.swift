/// Why `muster import` could not finish talking to the server. Descriptions never include the password or token.
enum ImportClientError: Error, Equatable, CustomStringConvertible {
    /// `--server` / `MUSTER_SERVER` is not an http(s) URL.
    case invalidServerURL(String)
    /// No username or password in the environment, and no terminal to ask on.
    case missingCredentials
    /// The CSV file cannot be read.
    case unreadableFile(path: String, reason: String)
    /// The server could not be reached (connection refused, timeout…).
    case unreachable(url: String, reason: String)
    /// `POST /api/auth/login` refused the credentials.
    case loginFailed(message: String)
    /// The server answered a request with an error; `message` is ThingsBoard's `message` field when there is one.
    case rejected(request: String, status: Int, message: String)
    /// A success status with a body that is not what the job API returns.
    case unexpectedResponse(request: String, detail: String)
    /// Writing a local file (the upload body or the errors CSV) failed.
    case localFile(path: String, reason: String)

    var description: String {
        switch self {
        case .invalidServerURL(let text):
            return "--server: '\(text)' is not an http or https URL such as http://localhost:8080"
        case .missingCredentials:
            return
                "no credentials: set MUSTER_USERNAME and MUSTER_PASSWORD (standard input is not a terminal to ask for them)"
        case .unreadableFile(let path, let reason):
            return "cannot read \(path): \(reason)"
        case .unreachable(let url, let reason):
            return "cannot reach the server at \(url): \(reason)"
        case .loginFailed(let message):
            return "login failed: \(message)"
        case .rejected(let request, let status, let message):
            return "\(message) (HTTP \(status) from \(request))"
        case .unexpectedResponse(let request, let detail):
            return "unexpected answer from \(request): \(detail)"
        case .localFile(let path, let reason):
            return "cannot write \(path): \(reason)"
        }
    }
}
