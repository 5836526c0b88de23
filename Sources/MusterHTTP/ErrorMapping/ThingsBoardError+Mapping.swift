import Foundation
import Hummingbird
import MusterCore
import MusterProvisionWire
import NIOHTTP1

extension ThingsBoardError {
    /// Maps any error raised while serving an admin route to ThingsBoard's error response. Unknown errors
    /// become a 500 without details.
    package init(_ error: any Error) {
        switch error {
        case let error as ThingsBoardError: self = error
        case let error as AdminError: self.init(error)
        case let error as AuthError: self.init(error)
        case let error as RequestError: self.init(error)
        case let error as CredentialsError: self.init(.badRequest, Self.message(error), code: .badRequestParams)
        case let error as HTTPError:
            let code: Code = error.status == .notFound ? .itemNotFound : error.status == .unauthorized ? .authentication : .badRequestParams
            self.init(error.status, error.body ?? error.status.reasonPhrase, code: code)
        case let error as HTTPParserError:
            // A body that breaks HTTP/1.1's framing while a route reads it (a bad chunk size, say): the client's fault.
            self.init(.badRequest, "Malformed HTTP request: \(error)", code: .badRequestParams)
        case let error as any StoreFailureReporting:
            guard let failure = error.storeFailure else { fallthrough }
            self.init(failure)
        default:
            self.init(.internalServerError, "Internal server error", code: .general)
        }
    }

    /// A store failure that is not a bug: 503 (with `Retry-After`) while the database is busy or failing, 507 when
    /// its disk is full.
    package init(_ failure: StoreFailure) {
        switch failure {
        case .busy:
            self.init(.serviceUnavailable, "The database is busy; retry shortly", code: .general, headers: [.retryAfter: "1"])
        case .full:
            self.init(
                .init(code: 507, reasonPhrase: "Insufficient Storage"),
                "The server's disk is full; nothing of this request was stored", code: .general)
        case .io:
            self.init(.serviceUnavailable, "The database could not be read or written; retry later", code: .general, headers: [.retryAfter: "5"])
        case .unavailable:
            self.init(
                .serviceUnavailable, "The database is unavailable; nothing of this request was stored; retry later",
                code: .general, headers: [.retryAfter: "5"])
        }
    }

    package init(_ error: AdminError) {
        switch error {
        case .notFound(let kind, let id?):
            self.init(.notFound, "\(Self.displayName(kind)) with id [\(id.uuidString.lowercased())] is not found", code: .itemNotFound)
        case .notFound:
            self.init(.notFound, "Requested item wasn't found!", code: .itemNotFound)
        case .nameTaken(let kind):
            self.init(.badRequest, "\(Self.displayName(kind)) with such name already exists!", code: .badRequestParams)
        case .invalidName(let kind, let failure):
            let message: String
            switch failure {
            case .empty: message = "\(Self.displayName(kind)) name should be specified!"
            case .tooLong(let limit): message = "Validation error: name length must be equal or less than \(limit)"
            case .controlCharacters: message = "Validation error: name must not contain control characters"
            case .templateSyntax: message = "Validation error: name must not contain '{{' and '}}'"
            }
            self.init(.badRequest, message, code: .badRequestParams)
        case .invalidField(let field, let reason):
            self.init(.badRequest, "Validation error: \(field) \(reason)", code: .badRequestParams)
        case .credentials(let failure):
            self.init(.badRequest, Self.message(failure), code: .badRequestParams)
        case .provisionKeyTaken:
            self.init(.badRequest, "Device profile with such provision device key already exists!", code: .badRequestParams)
        case .certificateTaken:
            self.init(.badRequest, "Device profile with such certificate already exists!", code: .badRequestParams)
        case .profileInUse(let kind):
            let message = kind == .assetProfile
                ? "The asset profile referenced by the assets cannot be deleted!"
                : "The device profile referenced by the devices cannot be deleted!"
            self.init(.badRequest, message, code: .badRequestParams)
        case .defaultProfileDeletion(let kind):
            let message = kind == .assetProfile
                ? "Deletion of Default Asset Profile is prohibited!"
                : "Deletion of Default Device Profile is prohibited!"
            self.init(.badRequest, message, code: .badRequestParams)
        case .forbidden:
            self.init(.forbidden, "You don't have permission to perform this operation!", code: .permissionDenied)
        case .emailTaken:
            self.init(.badRequest, "User with such email already exists!", code: .badRequestParams)
        case .versionMismatch(let kind):
            // ThingsBoard's EntityVersionMismatchException: 409 with VERSION_CONFLICT.
            self.init(.conflict, "\(Self.displayName(kind)) was already changed by someone else", code: .versionConflict)
        }
    }

    package init(_ error: AuthError) {
        switch error {
        case .invalidCredentials: self.init(.unauthorized, "Invalid username or password", code: .authentication)
        case .missingToken: self.init(.unauthorized, "Authentication failed", code: .authentication)
        case .invalidToken: self.init(.unauthorized, "Invalid JWT token", code: .authentication)
        case .tokenExpired: self.init(.unauthorized, "Token has expired", code: .jwtExpired)
        case .forbidden: self.init(.forbidden, "You don't have permission to perform this operation!", code: .permissionDenied)
        case .tooManyFailedLogins(let seconds):
            self.init(
                .tooManyRequests, "Too many failed login attempts; retry in \(seconds) s", code: .tooManyRequests,
                headers: [.retryAfter: String(seconds)])
        }
    }

    package init(_ error: RequestError) {
        switch error {
        case .missingBody: self.init(.badRequest, "Required request body is missing", code: .badRequestParams)
        case .invalidBody(let detail): self.init(.badRequest, "Invalid request body: \(detail)", code: .badRequestParams)
        case .bodyTooLarge(let limit):
            self.init(.contentTooLarge, "Request body is larger than the limit of \(limit) bytes", code: .badRequestParams)
        case .invalidParameter(let name, let reason):
            self.init(.badRequest, "Invalid value of '\(name)': \(reason)", code: .badRequestParams)
        case .notFound: self.init(.notFound, "Requested item wasn't found!", code: .itemNotFound)
        }
    }

    /// ThingsBoard's credentials validation messages (spec §4.2).
    static func message(_ error: CredentialsError) -> String {
        error.thingsBoardMessage
    }

    private static func displayName(_ kind: EntityKind) -> String {
        switch kind {
        case .tenant: return "Tenant"
        case .user: return "User"
        case .customer: return "Customer"
        case .device: return "Device"
        case .asset: return "Asset"
        case .deviceProfile: return "Device profile"
        case .assetProfile: return "Asset profile"
        case .deviceCredentials: return "Device credentials"
        case .auditLog: return "Audit log"
        }
    }
}
