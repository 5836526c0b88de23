/// Number and time formats shared by the progress bar and the summary, independent of the locale.
enum ImportFormatting {
    /// `1234567` → `1,234,567`.
    static func count(_ value: Int) -> String {
        let digits = String(value.magnitude)
        var out = ""
        for (index, digit) in digits.enumerated() {
            if index > 0, (digits.count - index) % 3 == 0 { out.append(",") }
            out.append(digit)
        }
        return value < 0 ? "-" + out : out
    }

    /// A rate, rounded to a whole number of rows per second.
    static func rate(_ rowsPerSecond: Double) -> String {
        guard rowsPerSecond.isFinite, rowsPerSecond >= 0 else { return "0" }
        return count(Int(rowsPerSecond.rounded()))
    }

    /// A duration: `0.42 s` and `12.3 s` below a minute, then `m:ss`, then `h:mm:ss`.
    static func duration(_ seconds: Double) -> String {
        guard seconds.isFinite, seconds >= 0 else { return "?" }
        if seconds < 1 { return "\(Double(Int((seconds * 100).rounded())) / 100) s" }
        if seconds < 60 { return "\(Double(Int((seconds * 10).rounded())) / 10) s" }
        let total = Int(seconds.rounded())
        let (hours, minutes, secs) = (total / 3600, total / 60 % 60, total % 60)
        let mmss = "\(minutes < 10 && hours > 0 ? "0" : "")\(minutes):\(secs < 10 ? "0" : "")\(secs)"
        return hours > 0 ? "\(hours):\(mmss)" : mmss
    }

    /// A byte count: `512 B`, `12.3 KB`, `4.5 MB`, `1.2 GB` (powers of 1024).
    static func bytes(_ value: Int) -> String {
        let units = ["B", "KB", "MB", "GB", "TB"]
        var amount = Double(value)
        var unit = 0
        while amount >= 1024, unit < units.count - 1 {
            amount /= 1024
            unit += 1
        }
        return unit == 0 ? "\(value) B" : "\(Double(Int((amount * 10).rounded())) / 10) \(units[unit])"
    }
}
