import MusterCoAPCodec
import MusterCore

extension CoAPMessage {
    /// The answer to `self` when a core call failed with `error` that is not a domain error: 5.03 Service
    /// Unavailable with Max-Age (the seconds to wait) and a diagnostic when the store is busy, full or failing (the
    /// client may retry; nothing of the request was stored), 5.00 for anything else (a bug).
    package func makeResponse(failure error: any Error) -> CoAPMessage {
        guard let failure = (error as? any StoreFailureReporting)?.storeFailure else {
            return makeResponse(code: .internalServerError)
        }
        return makeResponse(storeFailure: failure)
    }

    /// 5.03 Service Unavailable with Max-Age (the seconds to wait) and a diagnostic for a store condition.
    package func makeResponse(storeFailure failure: StoreFailure) -> CoAPMessage {
        let (diagnostic, seconds): (String, UInt32) =
            switch failure {
            case .busy: ("the database is busy; retry shortly", 1)
            case .full: ("the server's disk is full; nothing was stored", 30)
            case .io: ("the database could not be read or written; retry later", 5)
            case .unavailable: ("the database is unavailable; retry later", 5)
            }
        var response = makeResponse(code: .serviceUnavailable, diagnostic: diagnostic)
        response.maxAge = seconds
        return response
    }
}
