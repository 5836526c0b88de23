import Foundation

/// Wall-clock time in milliseconds since the epoch, injected so that tests control time.
package protocol WallClock: Sendable {
    /// Milliseconds since 1970-01-01T00:00:00Z.
    func nowMilliseconds() -> Int64
}

/// The system's wall clock.
package struct SystemWallClock: WallClock {
    package init() {}

    package func nowMilliseconds() -> Int64 {
        Int64((Date().timeIntervalSince1970 * 1000).rounded(.down))
    }
}
