import MusterCoAP
import MusterCoAPCodec
import MusterCore
import NIOCore
import Testing

/// A store that is busy, full or failing answers 5.03 with Max-Age and a diagnostic; any other failure stays 5.00.
@Suite struct CoAPStoreFailureTests {
    struct DriverError: StoreFailureReporting {
        var storeFailure: StoreFailure?
        var storeDiagnostic: String { "driver error" }
    }

    struct Bug: Error {}

    private let request = RouterHarness.request(.post, "api/v1/token/telemetry", payload: "{}")

    @Test func storeConditionsAre503WithMaxAge() {
        for (failure, seconds) in [(StoreFailure.busy, UInt32(1)), (.full, 30), (.io, 5)] {
            let response = request.makeResponse(failure: DriverError(storeFailure: failure))
            #expect(response.code == .serviceUnavailable)
            #expect(response.maxAge == seconds)
            #expect(!String(buffer: response.payload).isEmpty)
        }
        let full = request.makeResponse(failure: DriverError(storeFailure: .full))
        #expect(String(buffer: full.payload).contains("disk is full"))
    }

    @Test func bugsAre500() {
        #expect(request.makeResponse(failure: Bug()).code == .internalServerError)
        #expect(request.makeResponse(failure: DriverError(storeFailure: nil)).code == .internalServerError)
    }
}
