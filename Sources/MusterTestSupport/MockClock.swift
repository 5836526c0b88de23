import MusterCore
import Synchronization

/// A wall clock that only moves when a test moves it.
package final class MockClock: WallClock {
    private let now: Mutex<Int64>

    package init(milliseconds: Int64 = 1_780_000_000_000) {
        self.now = Mutex(milliseconds)
    }

    package func nowMilliseconds() -> Int64 { now.withLock { $0 } }

    /// Moves the clock forward by `milliseconds`.
    package func advance(by milliseconds: Int64) {
        now.withLock { $0 += milliseconds }
    }
}
