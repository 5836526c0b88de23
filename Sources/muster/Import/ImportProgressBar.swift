import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Shows a running job's progress on standard error: a bar redrawn in place when standard error is a terminal,
/// otherwise a plain line at most every ``lineInterval`` (so logs of scripted runs stay short).
struct ImportProgressBar {
    /// Whether to draw in place.
    let isTerminal: Bool
    /// The shortest time between two plain lines.
    let lineInterval: Duration
    private var lastLine: ContinuousClock.Instant
    private var drawn = false

    /// - Parameters:
    ///   - isTerminal: Whether to redraw a bar in place (default: whether standard error is a terminal).
    ///   - lineInterval: The shortest time between two plain lines; the first comes after it, so a short job
    ///     prints none.
    init(
        isTerminal: Bool = isatty(STDERR_FILENO) == 1, lineInterval: Duration = .seconds(2),
        start: ContinuousClock.Instant = .now
    ) {
        self.isTerminal = isTerminal
        self.lineInterval = lineInterval
        self.lastLine = start
    }

    /// Shows `job`'s progress (redraws the bar, or prints a line when the last one is old enough).
    mutating func show(_ job: RemoteImportJob, now: ContinuousClock.Instant = .now) {
        if isTerminal {
            Self.write("\r" + Self.bar(for: job) + "\u{1B}[K")
            drawn = true
        } else if now - lastLine >= lineInterval {
            Self.write("muster: " + Self.status(for: job) + "\n")
            lastLine = now
        }
    }

    /// Clears the bar, so the summary starts on a clean line.
    mutating func finish() {
        if drawn { Self.write("\r\u{1B}[K") }
        drawn = false
    }

    /// Prints a message on its own line, below the bar.
    mutating func note(_ message: String) {
        finish()
        Self.write("muster: " + message + "\n")
    }

    /// `[#######.............]  35%  350,000 rows  41,200 rows/s  ETA 0:16`.
    static func bar(for job: RemoteImportJob, width: Int = 30) -> String {
        let fraction = job.fractionDone ?? 0
        let filled = Int((fraction * Double(width)).rounded(.down))
        return "[" + String(repeating: "#", count: filled) + String(repeating: ".", count: width - filled) + "] "
            + status(for: job)
    }

    /// `35%  350,000 rows  41,200 rows/s  ETA 0:16` (the parts that are known).
    static func status(for job: RemoteImportJob) -> String {
        var parts: [String] = []
        if let fraction = job.fractionDone { parts.append("\(Int((fraction * 100).rounded(.down)))%") }
        parts.append("\(ImportFormatting.count(job.rowsProcessed)) rows")
        parts.append("\(ImportFormatting.rate(job.rowsPerSecond)) rows/s")
        parts.append("ETA " + (job.secondsLeft.map(ImportFormatting.duration) ?? "?"))
        return parts.joined(separator: "  ")
    }

    private static func write(_ text: String) {
        FileHandle.standardError.write(Data(text.utf8))
    }
}
