import HTTPTypes
import MusterCore
import MusterHTTP
import Testing

/// Store errors that are conditions of the database, not bugs, answer 503 or 507 with a clear message; any other
/// store error stays a 500 without details.
@Suite struct StoreFailureMappingTests {
    /// A store error as a driver would report it.
    struct DriverError: StoreFailureReporting {
        var storeFailure: StoreFailure?
        var storeDiagnostic: String { "driver error" }
    }

    @Test func busyAndIOAre503WithRetryAfterAndFullIs507() {
        let busy = ThingsBoardError(DriverError(storeFailure: .busy))
        #expect(busy.status.code == 503)
        #expect(busy.headers[.retryAfter] == "1")
        #expect(busy.message.contains("busy"))
        let io = ThingsBoardError(DriverError(storeFailure: .io))
        #expect(io.status.code == 503)
        #expect(io.headers[.retryAfter] != nil)
        let full = ThingsBoardError(DriverError(storeFailure: .full))
        #expect(full.status.code == 507)
        #expect(full.message.contains("disk is full"))
    }

    @Test func aStoreErrorThatIsABugStays500() {
        let bug = ThingsBoardError(DriverError(storeFailure: nil))
        #expect(bug.status.code == 500)
        #expect(bug.message == "Internal server error")
    }
}
