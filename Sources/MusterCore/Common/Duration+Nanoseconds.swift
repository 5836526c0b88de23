extension Duration {
    /// The duration in whole nanoseconds (for histograms and pacing; far from overflow for any real wait).
    package var nanoseconds: Int64 {
        let (seconds, attoseconds) = components
        return seconds * 1_000_000_000 + attoseconds / 1_000_000_000
    }
}
